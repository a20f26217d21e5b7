"""Trains the text encoder and the DiT jointly with rectified flow on pre-encoded latents; resumes from <out>/ckpt.pt.

  python3 engine/train/train_dit.py --latents runs/latents --vae runs/vae --out runs/dit --steps 20000 --batch 32

One aspect per batch, drawn in proportion to its clip count. --batch is the 1:1 batch; other aspects get the same
number of tokens (16:9 has 28 patches a frame against 16), so every step costs about the same. Every
--snapshot-every steps: held-out validation loss (EMA weights; also with shuffled captions, whose gap is a cheap
text-adherence signal) and a full model pack in <out>/snapshot for the evaluation to load while training continues.
"""
import argparse
import contextlib
import copy
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import checkpoint  # noqa: E402
from budget import StepBudget  # noqa: E402
from caption_labels import CaptionHead, caption_loss, label_names, multi_hot, translates  # noqa: E402
from dit import DiT  # noqa: E402
from ema import EMA  # noqa: E402
from flow import flow_loss, known_frames, motion_emphasis, noisy_inputs, train_times  # noqa: E402
from grow import grow_blocks  # noqa: E402
from guard import DivergenceGuard  # noqa: E402
from latents import load_split, train_captions  # noqa: E402
from pack_sources import DEFAULT_TEXT  # noqa: E402
from patches import patchify, sincos_pos  # noqa: E402
from layout import load_tracks  # noqa: E402
from runtime import cooldown_lr, lr_at, set_lr, setup  # noqa: E402
from text_encoder import TextEncoder  # noqa: E402
from tokenizer import build_vocab, save_tokenizer  # noqa: E402
from train_state import generator_states, pack_optimizer, restore_generators, unpack_optimizer  # noqa: E402
from vae import VAE  # noqa: E402


class Joint(torch.nn.Module):
    """Text encoder + DiT (+ the training-only caption head, when n_labels > 0) as one module: one optimizer, one
    EMA, one forward → (velocity, label logits or None)."""

    def __init__(self, vocab_size, dit_cfg, text_cfg, n_labels: int = 0):
        super().__init__()
        self.text_encoder = TextEncoder(vocab_size, **text_cfg)
        self.dit = DiT(**dit_cfg)
        self.caption_head = CaptionHead(text_cfg["dim"], n_labels) if n_labels else None
        self.head_detached = False      # the head learns, but its gradient does not reach the encoder

    def forward(self, x_t, tf, pos, ids, layout=None):
        states, pooled = self.text_encoder(ids)
        v = self.dit(x_t, tf, pos, states, (ids != 0).float(), pooled, layout)
        if self.caption_head is None:
            return v, None
        return v, self.caption_head(pooled.detach() if self.head_detached else pooled)


# Parts a checkpoint may lack: they start from their initial values (the caption head; dit.text_motion and
# dit.layout, whose outputs start at zero).
FRESH_PARTS = ("caption_head.", "dit.text_motion.", "dit.layout.")

_POS = {}


def pos_table(frames, rows, cols, dim, device):
    key = (frames, rows, cols, dim, str(device))
    if key not in _POS:
        _POS[key] = sincos_pos(frames, rows, cols, dim).to(device)
    return _POS[key]


def with_model_weights(state: dict) -> None:
    """A slim checkpoint (slim_ckpt.py, recover_pack.py) has only EMA weights: they become the model's too."""
    if "model" not in state:
        state["model"] = {f"text_encoder.{k}": v for k, v in state["ema"]["text_encoder"].items()}
        state["model"].update({f"dit.{k}": v for k, v in state["ema"]["dit"].items()})


def batch_shape(data, aspects, p_aspect, rng, a):
    """The step's aspect and frame count. Drawn from a generator every data-parallel process seeds alike, so all
    of them run the same shape each step: none waits at the gradient exchange for one with more tokens."""
    aspect = aspects[int(rng.choice(len(aspects), p=p_aspect))]
    F = data[aspect].grid[0]
    return aspect, int(rng.integers(a.min_frames, F)) if rng.random() < a.short_prob else F


def dropped_captions(ids):
    """Rows whose caption was dropped for CFG (only <bos> left)."""
    return (ids != 0).sum(dim=1) <= 1


def batch_layout(tracks, idx, window, ids, layout_gen, drop):
    """The clips' layouts (layout.py), zero where the caption was dropped (CFG's unconditional branch has neither)
    and on a further `drop` share of samples, drawn from `layout_gen` (a generator of its own, so turning the
    layout on leaves the data stream of a run without it unchanged)."""
    lay = tracks.layout(idx, window)
    off = dropped_captions(ids) | (torch.rand(len(idx), generator=layout_gen, device=lay.device) < drop)
    return lay * (~off).float()[:, None, None, None]


def step_batch(data, aspect, frames, n, gen, device, a, dim, tracks=None, layout_gen=None):
    """Draws one training batch on the training device → model inputs + target + loss weight + element emphasis
    (None unless --motion-weight) + the clips' indices (for their scene labels) + the layout (None without one)."""
    ds = data[aspect]
    idx = ds.draw(n, gen)
    z, ids, window = ds.batch(idx, gen, frames, a.p_uncond, with_window=True)
    x0 = patchify(z)                                                   # [B,F,S,P]
    f, h, w = z.shape[1], z.shape[3], z.shape[4]
    t = train_times(n, gen, a.t_uniform, a.t_shift)
    known = known_frames(n, f, gen, a.p_cond, a.max_known)
    x_t, tf, target, weight = noisy_inputs(x0, t, known, gen)
    emphasis = None
    if a.motion_weight > 0:
        c = z.shape[2]
        emphasis = patchify(motion_emphasis(z, a.motion_weight).expand(-1, -1, c, -1, -1))
    layout = batch_layout(tracks[aspect], idx, window, ids, layout_gen, a.layout_drop) if tracks else None
    return x_t, tf, pos_table(f, h // 2, w // 2, dim, device), ids, target, weight, emphasis, idx, layout


@torch.no_grad()
def validate(model, held, device, dim, per_aspect=16, ts=(0.2, 0.5, 0.8), tracks=None):
    """Held-out loss at fixed t with fixed noise, true captions vs captions shuffled within the batch (with their
    layouts, when the model takes one); with layouts also the true captions without layout ("no-layout")."""
    model.eval()
    gen = torch.Generator(device=device).manual_seed(0)
    tot = {"true": [], "shuffled": []}
    if tracks:
        tot["no-layout"] = []
    for aspect, ds in sorted(held.items()):
        n = min(per_aspect, len(ds))
        idx = torch.arange(n, device=device)
        z, ids = ds.batch(idx, gen, None, 0.0)
        lay = tracks[aspect].layout(idx) if tracks else None
        x0 = patchify(z)
        f, h, w = z.shape[1], z.shape[3], z.shape[4]
        pos = pos_table(f, h // 2, w // 2, dim, device)
        known = torch.zeros(n, f, dtype=torch.bool, device=device)
        perm = torch.roll(torch.arange(n, device=device), 1)
        for t in ts:
            x_t, tf, target, weight = noisy_inputs(x0, torch.full((n,), t, device=device), known, gen)
            runs = [("true", ids, lay), ("shuffled", ids[perm], lay[perm] if lay is not None else None)]
            if lay is not None:
                runs.append(("no-layout", ids, None))
            for name, cap, cl in runs:
                v, _ = model(x_t, tf, pos, cap, cl)
                tot[name].append(float(flow_loss(v.float(), target, weight)))
    return {k: float(np.mean(v)) for k, v in tot.items()}


def parse_args(argv=None):
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
    return ap.parse_args(argv)


def main():
    a = parse_args()
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


def train(a, rank: int = 0, world: int = 1):
    """One training process. With world > 1 every rank draws its own 1/world of each batch; gradients are averaged
    (DistributedDataParallel), so the optimisation is the single-process one. Rank 0 alone logs, keeps the EMA,
    validates and writes checkpoints and snapshots; the other ranks wait for it at the next gradient exchange."""
    lead = rank == 0
    device = setup(a.threads, a.seed + rank)
    os.makedirs(a.out, exist_ok=True)
    ckpt_path = a.state or os.path.join(a.out, "ckpt.pt")
    state = checkpoint.load(ckpt_path)
    if a.cooldown:
        # A branch: it starts from the state and never writes it, so the run goes on from where it was.
        if not state or not a.cooldown_out:
            raise SystemExit("--cooldown needs an existing training state (--state) and --cooldown-out")
        os.makedirs(a.cooldown_out, exist_ok=True)
        ckpt_path = os.path.join(a.cooldown_out, "ckpt.pt")
    log_dir = a.cooldown_out if a.cooldown else a.out
    log = checkpoint.Log(os.path.join(log_dir, "train.log")) if lead else (lambda msg: None)
    with open(os.path.join(a.latents, "stats.json")) as f:
        stats = json.load(f)
    if state:
        vocab, cfg = state["vocab"], state["config"]
        mean, std = state["latent_mean"], state["latent_std"]
        cfg["dit"]["text_motion"] = True   # a checkpoint from before it gains it, zero (FRESH_PARTS)
    else:
        vocab = build_vocab(train_captions(a.latents))
        cfg = {"dit": {"patch_dim": 0, "dim": a.dim, "depth": a.depth, "heads": a.heads, "text_dim": DEFAULT_TEXT["dim"],
                       "mlp_ratio": 4, "text_motion": True}, "text": dict(DEFAULT_TEXT)}
        mean, std = stats["latent_mean"], stats["latent_std"]
    if lead:
        save_tokenizer(vocab, os.path.join(a.out, "tokenizer"))
    data = load_split(a.latents, "train", vocab, mean, std, device)
    held = load_split(a.latents, "heldout", vocab, mean, std, device)
    any_ds = next(iter(data.values()))
    cfg["dit"]["patch_dim"] = 4 * any_ds.z.shape[2]
    tracks = held_tracks = layout_header = None
    if a.layout or cfg["dit"].get("layout_channels"):
        tracks = load_tracks(a.latents, "train", list(data), device)
        held_tracks = load_tracks(a.latents, "heldout", list(held), device)
        if tracks is None:
            raise SystemExit(f"--layout: no tracks beside {a.latents}: npx tsx engine/synth/layout-cli.ts --latents {a.latents}")
        spec = next(iter(tracks.values())).spec
        if state and state.get("layout") and state["layout"]["channels"] != spec.channels:
            raise SystemExit("the state's layout channels differ from the tracks' (engine/synth/layout.ts changed?)")
        layout_header = spec.header()
        cfg["dit"]["layout_channels"] = len(spec.channels)
    labels, names = {}, []
    if any(ds.scenes is None for ds in data.values()) and (a.caption_aux > 0 or a.translation_weight != 1.0 or a.multi_object_weight != 1.0):
        log("latents without scenes (an old encode_latents.py): --caption-aux and the draw weights off")
        a.caption_aux, a.translation_weight, a.multi_object_weight = 0.0, 1.0, 1.0
    if a.caption_aux > 0:
        names = (state or {}).get("caption_labels") or label_names(ds.scenes for ds in data.values())
        labels = {k: torch.from_numpy(multi_hot(ds.scenes, names)).to(device) for k, ds in data.items()}
    if a.translation_weight != 1.0 or a.multi_object_weight != 1.0:
        for ds in data.values():
            w = [(a.translation_weight if translates(s) else 1.0) * (a.multi_object_weight if len(s["objects"]) > 1 else 1.0)
                 for s in ds.scenes]
            ds.draw_weights = torch.tensor(w, dtype=torch.float32, device=device)
    grown = (state or {}).get("grown_blocks", [])
    if state and a.grow_depth > cfg["dit"]["depth"]:
        with_model_weights(state)
        old_depth = cfg["dit"]["depth"]
        for key in ("model", "ema_model"):
            if key in state:
                state[key], grown = grow_blocks(state[key], "dit.blocks.", old_depth, a.grow_depth)
        state.pop("opt", None)       # Adam's moments belong to the old parameter list: a fresh optimizer
        cfg["dit"]["depth"] = a.grow_depth
        log(f"grew the DiT from {old_depth} to {a.grow_depth} blocks: new blocks {grown} (identity at first)")
    model = Joint(len(vocab), cfg["dit"], cfg["text"], len(names)).to(device)
    ema = EMA(model, a.ema)
    decay, no_decay, head, new, lay = [], [], [], [], []
    new_prefixes = tuple(f"dit.blocks.{j}." for j in grown)
    for n_, p in model.named_parameters():
        if n_.startswith("caption_head."):
            head.append(p)
        elif n_.startswith("dit.layout."):
            lay.append(p)
        elif n_.startswith(new_prefixes):           # () when nothing was grown: never
            new.append(p)
        else:
            (decay if p.dim() >= 2 and "pos" not in n_ and "tok" not in n_ else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if head:
        # The head must keep up with the encoder: at the run's lr it still predicted base rates after 400 steps, so
        # the encoder's gradient through it was noise (fitted alone at 10x it read motion from the same features).
        groups.append({"params": head, "weight_decay": 0.0, "lr_scale": a.caption_head_lr})
    if new:
        # Grown blocks start at zero gates and must catch up; the trained ones only need nudging.
        groups.append({"params": new, "weight_decay": a.weight_decay, "lr_scale": a.grown_lr})
    if lay:
        # A new input on a trained model: it starts at zero and must catch up within a CPU session.
        groups.append({"params": lay, "weight_decay": a.weight_decay, "lr_scale": a.layout_lr})
    opt = torch.optim.AdamW(groups, lr=a.lr, betas=(0.9, 0.99))
    step = 0
    if state:
        with_model_weights(state)
        # A checkpoint without the caption head (or from before dit.text_motion) starts those parts fresh.
        fresh_ok = lambda r: all(k.startswith(FRESH_PARTS) for k in r.missing_keys + r.unexpected_keys)
        for target, weights in ((model, state["model"]), (ema.model, state.get("ema_model", state["model"]))):
            r = target.load_state_dict(weights, strict=False)
            if not fresh_ok(r):
                raise RuntimeError(f"checkpoint does not fit the model: {r}")
        step = state["step"]
        lr_restart = state.get("lr_restart", 0)
        saved_groups = state["opt"]["param_groups"] if "opt" in state else []
        if [len(g["params"]) for g in saved_groups] == [len(g["params"]) for g in opt.param_groups]:
            opt.load_state_dict(unpack_optimizer(state["opt"]))
            for g in opt.param_groups:      # the scales are this run's (a resumed run may change --layout-lr)
                g["lr_scale"] = next((x.get("lr_scale", 1.0) for x in groups if x["params"][0] is g["params"][0]), 1.0)
            log(f"resumed at step {step} with its optimizer state")
        else:   # recovered from a shipped pack (recover_pack.py), or parts added or removed: fresh Adam
            lr_restart = step
            log(f"resumed at step {step} from {state.get('recovered_from', 'weights only')}, fresh optimizer")
    else:
        lr_restart = 0
    # A restart (fresh optimizer) warms the learning rate up again and runs its own cosine from there to --steps.
    gen = torch.Generator(device=device).manual_seed(a.seed * 1000003 + step + 7919 * rank)
    rng = np.random.default_rng(a.seed * 1000003 + step)           # the same on every process: batch_shape
    layout_gen = torch.Generator(device=device).manual_seed(a.seed * 1000003 + step + 104729 + 7919 * rank)
    gens = {"batch": gen, "layout": layout_gen}
    saved_gens = (state or {}).get("generators")
    if saved_gens and world == 1 and state.get("seed") == a.seed:
        # The data stream goes on where it stopped (a different --seed asks for a new one).
        fresh = restore_generators(saved_gens, gens, rng)
        log("data position restored" + (f"; fresh generators: {fresh}" if fresh else ""))
    # On a GPU the matmuls run in bf16 (autocast; weights, optimizer and EMA stay fp32); on CPU everything is fp32.
    cuda = device.type == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    aspects = sorted(data)
    counts = np.array([len(data[k]) for k in aspects], np.float64)
    p_aspect = counts / counts.sum()
    tokens_per_frame = {k: (data[k].grid[1] // 2) * (data[k].grid[2] // 2) for k in aspects}
    ref_tokens = tokens_per_frame.get("1x1", min(tokens_per_frame.values()))
    bsz = {k: a.batch if a.no_equal_tokens else max(1, round(a.batch * ref_tokens / tokens_per_frame[k]))
           for k in aspects}
    bsz = {k: max(1, b // world) for k, b in bsz.items()}        # per process
    nparam = sum(p.numel() for p in model.dit.parameters()) / 1e6
    log(f"dit {nparam:.2f}M + text {sum(p.numel() for p in model.text_encoder.parameters())/1e6:.2f}M params, "
        f"vocab {len(vocab)}, aspects {dict(zip(aspects, counts.astype(int).tolist()))}, batch {bsz}, "
        f"device {device}, threads {torch.get_num_threads()}, processes {world}, steps {a.steps}")
    net = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel
        net = DistributedDataParallel(model)

    def save():
        checkpoint.save(ckpt_path, {
            "model": model.state_dict(), "ema_model": ema.model.state_dict(), "opt": pack_optimizer(opt.state_dict()),
            "step": step, "lr_restart": lr_restart, "config": cfg, "vocab": vocab, "latent_mean": mean, "latent_std": std,
            "caption_labels": names, "grown_blocks": grown, "layout": layout_header,
            "schedule": {"name": a.schedule, "lr": a.lr, "warmup": a.warmup}, "seed": a.seed,
            "generators": generator_states(gens, rng), "data": {k: len(v) for k, v in data.items()},
            # what pack_sources / export.py read:
            "ema": {"dit": ema.model.dit.state_dict(), "text_encoder": ema.model.text_encoder.state_dict()},
        })

    def snapshot(weights="ema"):
        """Validation and a pack of the EMA weights, or of the live ones (a cool-down branch's end); the EMA itself
        stays as it is in the checkpoint."""
        shipped = model if weights == "live" else ema.model
        vt = held_tracks if held else tracks
        res = validate(shipped, held or data, device, a.dim, tracks=vt)
        hi = validate(shipped, held or data, device, a.dim, ts=(0.95,), tracks=vt)
        shipped.train(shipped is model)       # validate() left it in eval mode; the live model goes on training
        no_layout = f" | no-layout loss {res['no-layout']:.5f} (t=0.95 {hi['no-layout']:.5f})" if vt else ""
        log(f"val step {step} loss {res['true']:.5f} shuffled-captions {res['shuffled']:.5f} "
            f"gap {res['shuffled'] - res['true']:.5f} | t=0.95 loss {hi['true']:.5f} gap {hi['shuffled'] - hi['true']:.5f}"
            + no_layout)
        save()
        vae_ck = os.path.join(a.vae, "ckpt.pt")
        if not os.path.exists(vae_ck):
            log("no VAE checkpoint: snapshot pack skipped")
            return
        from export import write_pack   # deferred: pulls in the ONNX exporter only when needed
        vck = checkpoint.read(vae_ck)
        vae = VAE(vck["config"]["latent_channels"])
        vae.load_state_dict(vck["model"])
        te = copy.deepcopy(shipped.text_encoder).to("cpu").eval()
        dt = copy.deepcopy(shipped.dit).to("cpu").eval()
        src = {"vae": vae.eval(), "text_encoder": te, "dit": dt, "vocab": vocab, "latent_mean": list(map(float, mean)),
               "latent_std": list(map(float, std)), "layout": layout_header,
               "info": {"kind": "trained", "vae_step": vck["step"], "dit_step": step,
                        "vae_psnr": vck.get("heldout_psnr")}}
        t0 = time.time()
        out_dir = a.snapshot_dir or os.path.join(log_dir, "snapshot")
        write_pack(src, out_dir, "tiny-sora-default")
        with open(os.path.join(out_dir, "SNAPSHOT.json"), "w") as f:
            json.dump({"step": step, "val_loss": res["true"], "val_loss_shuffled": res["shuffled"],
                       "time": time.strftime("%Y-%m-%dT%H:%M:%S")}, f)
        log(f"snapshot pack at step {step} -> {out_dir} ({time.time() - t0:.1f}s)")

    every = checkpoint.Every(a.ckpt_minutes * 60)
    guard = DivergenceGuard(model, opt, ema)
    cool_start = step
    if a.cooldown:
        a.steps, a.minutes = step + a.cooldown, 0
        log(f"cool-down branch: steps {step} -> {a.steps}, lr {a.lr:.2e} -> 0, into {a.cooldown_out}")

    def lr_now():
        if a.cooldown:
            return cooldown_lr(step, cool_start, a.cooldown, a.lr)
        return lr_at(step - lr_restart, a.steps - lr_restart, a.lr, a.warmup, schedule=a.schedule)

    if a.minutes:
        a.steps = max(a.steps, step + 1000)     # until the budget's first estimate (step 60) sets the end
    budget = StepBudget(a.minutes, step, world, device) if a.minutes else None
    model.train()
    agg, agg_aux, n_agg, t_last = 0.0, 0.0, 0, time.time()
    while step < a.steps:
        set_lr(opt, lr_now() * guard.lr_scale)
        model.head_detached = step - lr_restart < a.head_warmup
        aspect, frames = batch_shape(data, aspects, p_aspect, rng, a)
        x_t, tf, pos, ids, target, weight, emphasis, idx, layout = step_batch(
            data, aspect, frames, bsz[aspect], gen, device, a, a.dim, tracks, layout_gen)
        with torch.autocast("cuda", dtype=torch.bfloat16) if cuda else contextlib.nullcontext():
            v, logits = net(x_t, tf, pos, ids, layout)
        loss = flow_loss(v.float(), target, weight, emphasis)
        if logits is not None:
            aux = caption_loss(logits.float(), labels[aspect][idx], (ids != 0).sum(dim=1) > 1)
            loss_total = loss + a.caption_aux * aux
        else:
            aux, loss_total = None, loss
        opt.zero_grad(set_to_none=True)
        loss_total.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
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
            a.steps = new_end[0]
            log(f"--minutes {a.minutes}: {new_end[1]:.3f} s/step → training to step {a.steps}")
        if not lead:
            continue
        ema.update(model, step - 1)
        agg, n_agg = agg + loss.item(), n_agg + 1
        agg_aux += aux.item() if aux is not None else 0.0
        if step % a.log_every == 0:
            dt = (time.time() - t_last) / n_agg
            aux_note = f" caption-aux {agg_aux / n_agg:.5f}" if aux is not None else ""
            log(f"step {step} loss {agg / n_agg:.5f}{aux_note} grad {float(gnorm):.3f} "
                f"lr {opt.param_groups[0]['lr']:.2e} s/step {dt:.3f}")
            agg, agg_aux, n_agg, t_last = 0.0, 0.0, 0, time.time()
        if a.cooldown and step == a.steps:
            vt = held_tracks if held else tracks
            live = validate(model, held or data, device, a.dim, tracks=vt)
            avg = validate(ema.model, held or data, device, a.dim, tracks=vt)
            model.train()
            log(f"cool-down end: val loss live weights {live['true']:.5f}, EMA {avg['true']:.5f}" +
                (f" (no layout: {live['no-layout']:.5f}, {avg['no-layout']:.5f})" if "no-layout" in live else "")
                + f"; shipping {a.cooldown_weights}")
        if step % a.snapshot_every == 0 or step == a.steps:
            snapshot(a.cooldown_weights if a.cooldown and step == a.steps else "ema")
            t_last = time.time()
        elif every():
            save()
    if lead:
        save()
        log(f"done at step {step}; {guard.skipped_total} non-finite steps skipped, {guard.restores} restores")


if __name__ == "__main__":
    main()
