"""Trains the text encoder and the DiT jointly with rectified flow on pre-encoded latents; resumes from <out>/ckpt.pt.

  python3 engine/train/train_dit.py --latents runs/latents --vae runs/vae --out runs/dit --steps 20000 --batch 32
  python3 engine/train/run.py engine/train/configs/continue.json --minutes 60   # a config; flags override it

One aspect per batch, drawn in proportion to its clip count. --batch is the 1:1 batch; other aspects get the same
number of tokens (16:9 has 28 patches a frame against 16), so every step costs about the same. Every
--snapshot-every steps: held-out validation loss (EMA weights; also with shuffled captions, whose gap is a cheap
text-adherence signal) and a full model pack in <out>/snapshot for the evaluation to load while training continues.

This file is the command line and the training loop; each part of a run is its own module in dit_training/.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import checkpoint  # noqa: E402
from budget import StepBudget  # noqa: E402
from dit_training.batches import batch_layout, batch_plan, batch_shape, step_batch  # noqa: E402,F401
from dit_training.joint import FRESH_PARTS, Joint, with_model_weights  # noqa: E402,F401
from dit_training.model_setup import build_model, build_optimizer, grow_if_asked, param_groups  # noqa: E402
from dit_training.resume import data_generators, open_state, restore_training  # noqa: E402
from dit_training.run_data import load_run_data  # noqa: E402
from dit_training.saving import training_state, write_snapshot_pack  # noqa: E402
from dit_training.step import LossMeter, backward_and_clip, forward_loss, step_lr  # noqa: E402
from dit_training.validation import compare_at_cooldown_end, validate, validate_for_snapshot  # noqa: E402,F401
from guard import DivergenceGuard  # noqa: E402
from runtime import set_lr, setup  # noqa: E402

# Joint, FRESH_PARTS, with_model_weights, batch_layout and validate are imported for those who read them from here
# (tests, probes written against this file before dit_training/ existed).


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--latents", default="runs/latents")
    ap.add_argument("--vae", default="runs/vae", help="for snapshots: the VAE that made the latents")
    ap.add_argument("--out", default="runs/dit")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=300, help="lr warm-up steps after a fresh optimizer (not on resume)")
    ap.add_argument("--schedule", choices=("constant", "cosine"), default="constant",
                    help="constant: the lr stays at --lr after the warm-up, so a run goes on across sessions and each "
                         "export takes a --cooldown branch; cosine: down to 5 %% at --steps (the schedule up to DiT "
                         "step 45728)")
    ap.add_argument("--state", default=None,
                    help="the training state file (weights, EMA, fp16 Adam moments, step, schedule, data position), "
                         "read to resume and replaced in place every --ckpt-minutes; default <out>/ckpt.pt. Kept "
                         "between sessions as engine/train/state/dit-state.pt")
    ap.add_argument("--cooldown", type=int, default=0,
                    help="a cool-down branch for an export: from --state, this many steps with the lr falling "
                         "linearly to 0, then a snapshot pack; writes <cooldown-out>/ckpt.pt, never the state")
    ap.add_argument("--cooldown-out", default=None, help="--cooldown: where the branch's checkpoint and pack go")
    ap.add_argument("--cooldown-weights", choices=("ema", "live"), default="ema",
                    help="--cooldown: which weights the branch's pack ships")
    ap.add_argument("--layout", action="store_true",
                    help="give the DiT the layout input (CONTRACTS §8; tracks from engine/synth/layout-cli.ts beside "
                         "the latents); a state that has it keeps it")
    ap.add_argument("--widen-layout", action="store_true",
                    help="a state whose layout has fewer channels than the tracks (the disc layout) gains the others "
                         "(the silhouette), their weights and moments starting at zero; without it the state keeps its own")
    ap.add_argument("--layout-drop", type=float, default=0.2,
                    help="share of samples trained without layout besides those whose caption is dropped (with "
                         "--p-uncond 0.1: 28 %% in all), so free text, image-to-video and extend work without one")
    ap.add_argument("--layout-lr", type=float, default=10.0, help="the layout projection's lr, times the run's")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--p-cond", type=float, default=0.4, help="share of samples with known frames")
    ap.add_argument("--max-known", type=int, default=6)
    ap.add_argument("--p-uncond", type=float, default=0.1, help="CFG caption dropout")
    ap.add_argument("--t-uniform", type=float, default=0.5,
                    help="share of samples whose t is drawn as the sampler walks (uniform u, shifted); the rest logit-normal")
    ap.add_argument("--t-shift", type=float, default=2.0, help="shift for those samples: the pack's scheduler shift")
    ap.add_argument("--motion-weight", type=float, default=3.0,
                    help="extra loss weight (up to 1 + this) on latent pixels that change over the clip (flow.py "
                         "motion_emphasis; 0 = the plain loss); validation stays unweighted. Used from DiT step 18717 on: "
                         "held-out colour 57 -> 73 %% by step 23000 (96 prompts), with validation loss flat")
    ap.add_argument("--caption-aux", type=float, default=1.0,
                    help="weight of the text encoder's auxiliary loss: a training-only head names the scene's "
                         "colours, shapes, motions (with direction) and their pairs from the pooled caption "
                         "(caption_labels.py); 0 = off. Used from DiT step 23000 on: before it the encoder's states "
                         "for 'moves left' and 'moves right' were nearly equal (cosine 0.9998) and so were the clips")
    ap.add_argument("--translation-weight", type=float, default=2.0,
                    help="draw clips where an object moves left/right/up/down/diagonally this many times as often; "
                         "1 = uniform. Used from DiT step 26956 on, with dit.text_motion: direction 6 -> 66 %% by "
                         "step 31372")
    ap.add_argument("--multi-object-weight", type=float, default=1.0,
                    help="draw clips with two or three objects this many times as often (times --translation-weight "
                         "where both hold); 1 = uniform. For colour binding: at step 39896 a lone object's colour was "
                         "right in 87 %% of clips, the second object's in 66 %%. Used (1.5) from DiT step 39896 on: held-out colour "
                         "80 -> 84 %%, two-object clips 25 -> 28 of 38 objects, by step 45728")
    ap.add_argument("--head-warmup", type=int, default=300,
                    help="after a restart (fresh optimizer), steps in which the caption head learns without its "
                         "gradient reaching the text encoder: a random head's gradient is noise there")
    ap.add_argument("--caption-head-lr", type=float, default=10.0, help="the caption head's lr, times the run's")
    ap.add_argument("--short-prob", type=float, default=0.2, help="share of batches on a shorter frame window")
    ap.add_argument("--min-frames", type=int, default=5)
    ap.add_argument("--no-equal-tokens", action="store_true", help="use --batch for every aspect")
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--grow-depth", type=int, default=0,
                    help="resuming a shallower DiT: deepen it to this many blocks (engine/train/grow.py), same function")
    ap.add_argument("--grown-lr", type=float, default=3.0,
                    help="the grown blocks' lr, times the run's (kept on resume): the trained ones only need nudging")
    ap.add_argument("--minutes", type=float, default=0,
                    help="train for about this long (budget.py): --steps is set, and re-set as the speed is measured, "
                         "so the cosine schedule still ends at the last step")
    ap.add_argument("--snapshot-every", type=int, default=500)
    ap.add_argument("--snapshot-dir", default=None, help="default <out>/snapshot")
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TRAIN_THREADS", "1")),
                    help="CPU intra-op threads; 1 beat 2 for this model on the 2-core box")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--procs", type=int, default=1,
                    help="data-parallel CPU processes (gloo), each --threads threads and 1/procs of every batch: on "
                         "the 2-core box two 1-thread processes ran ~2x the samples/s of one 2-thread process")
    ap.add_argument("--port", type=int, default=29517, help="--procs > 1: local rendezvous port")
    return ap


def parse_args(argv=None):
    return build_parser().parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    if a.procs > 1:
        import torch.multiprocessing as mp
        mp.spawn(_ddp_process, args=(a,), nprocs=a.procs, join=True)
    else:
        train(a)


def _die_with_parent():
    """Linux: a rank gets SIGTERM when the launching process dies, so stopping that one stops the whole run (without
    this, `pkill -f train_dit.py` left both ranks training on under multiprocessing's own command line)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6").prctl(1, int(signal.SIGTERM))    # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _ddp_process(rank, a):
    import torch.distributed as dist
    _die_with_parent()
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{a.port}", rank=rank, world_size=a.procs)
    try:
        train(a, rank, a.procs)
    finally:
        dist.destroy_process_group()


def use_tf32(device) -> bool:
    """On a GPU: TF32 matmuls (and bf16 autocast in the step). → whether the run is on a GPU."""
    cuda = device.type == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return cuda


def train(a, rank: int = 0, world: int = 1):
    """One training process. With world > 1 every rank draws its own 1/world of each batch; gradients are averaged
    (DistributedDataParallel), so the optimisation is the single-process one. Rank 0 alone logs, keeps the EMA,
    validates and writes checkpoints and snapshots; the other ranks wait for it at the next gradient exchange."""
    lead = rank == 0
    device = setup(a.threads, a.seed + rank)
    os.makedirs(a.out, exist_ok=True)
    state, ckpt_path, log_dir = open_state(a)
    log = checkpoint.Log(os.path.join(log_dir, "train.log")) if lead else (lambda msg: None)
    rd = load_run_data(a, state, device, log, lead)
    grown = grow_if_asked(a, state, rd.cfg, log)
    model, ema = build_model(rd, a, device)
    groups = param_groups(model, grown, a)
    opt = build_optimizer(groups, a)
    step, lr_restart = restore_training(state, model, ema, opt, groups, log)
    gens, rng = data_generators(a, step, rank, world, device, state, log)
    cuda = use_tf32(device)
    aspects, p_aspect, bsz, counts = batch_plan(rd.train, a, world)
    nparam = sum(p.numel() for p in model.dit.parameters()) / 1e6
    log(f"dit {nparam:.2f}M + text {sum(p.numel() for p in model.text_encoder.parameters())/1e6:.2f}M params, "
        f"vocab {len(rd.vocab)}, aspects {dict(zip(aspects, counts.astype(int).tolist()))}, batch {bsz}, "
        f"device {device}, threads {torch.get_num_threads()}, processes {world}, steps {a.steps}")
    net = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel
        net = DistributedDataParallel(model)

    def save():
        checkpoint.save(ckpt_path, training_state(model, ema, opt, step, lr_restart, rd, grown, a, gens, rng))

    def snapshot(weights="ema"):
        """Validation and a pack of the EMA weights, or of the live ones (a cool-down branch's end); the EMA itself
        stays as it is in the checkpoint."""
        shipped = model if weights == "live" else ema.model
        val = validate_for_snapshot(shipped, rd, device, a.dim, step, log)
        shipped.train(shipped is model)       # validate() left it in eval mode; the live model goes on training
        save()
        write_snapshot_pack(shipped, rd, a.vae, step, val, a.snapshot_dir or os.path.join(log_dir, "snapshot"), log)

    every = checkpoint.Every(a.ckpt_minutes * 60)
    guard = DivergenceGuard(model, opt, ema)
    cool_start = step
    if a.cooldown:
        a.steps, a.minutes = step + a.cooldown, 0
        log(f"cool-down branch: steps {step} -> {a.steps}, lr {a.lr:.2e} -> 0, into {a.cooldown_out}")
    # A --steps beyond the start still bounds a --minutes run (an A/B's arms stop at the same step).
    step_cap = a.steps if a.steps > step and not a.cooldown else None
    if a.minutes:
        a.steps = max(a.steps, step + 1000)     # until the budget's first estimate (step 60) sets the end
        a.steps = min(a.steps, step_cap or a.steps)
    budget = StepBudget(a.minutes, step, world, device) if a.minutes else None
    model.train()
    meter = LossMeter()
    while step < a.steps:
        set_lr(opt, step_lr(a, step, lr_restart, cool_start) * guard.lr_scale)
        model.head_detached = step - lr_restart < a.head_warmup
        aspect, frames = batch_shape(rd.train, aspects, p_aspect, rng, a)
        batch = step_batch(rd.train, aspect, frames, bsz[aspect], gens["batch"], device, a, a.dim, rd.tracks,
                           gens["layout"])
        loss, aux, loss_total = forward_loss(net, batch, rd.labels.get(aspect), a, cuda)
        gnorm = backward_and_clip(model, opt, loss_total, a.clip)
        step += 1
        if not guard.step_ok(gnorm):
            restored = guard.after_skip()
            if lead:
                log(f"step {step}: gradient norm {float(gnorm)}, step skipped" + (f"; {restored}" if restored else ""))
            continue
        opt.step()
        guard.after_step(step)
        new_end = budget.update(step) if budget else None
        if new_end:
            a.steps = min(new_end[0], step_cap or new_end[0])
            log(f"--minutes {a.minutes}: {new_end[1]:.3f} s/step → training to step {a.steps}")
        if not lead:
            continue
        ema.update(model, step - 1)
        meter.add(loss, aux)
        if step % a.log_every == 0:
            log(meter.line(step, aux, gnorm, opt.param_groups[0]["lr"]))
        if a.cooldown and step == a.steps:
            compare_at_cooldown_end(model, ema.model, rd, device, a.dim, a.cooldown_weights, log)
        if step % a.snapshot_every == 0 or step == a.steps:
            snapshot(a.cooldown_weights if a.cooldown and step == a.steps else "ema")
            meter.restart_clock()
        elif every():
            save()
    if lead:
        save()
        log(f"done at step {step}; {guard.skipped_total} non-finite steps skipped, {guard.restores} restores")


if __name__ == "__main__":
    main()
