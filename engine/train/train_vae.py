"""Trains the per-frame VAE on random frames of the training shards; resumes from <out>/ckpt.pt.

  python3 engine/train/train_vae.py --data data/shards --out runs/vae --steps 6000

Frames of every aspect are cropped to 64×64 (the VAE is fully convolutional) so one batch mixes aspects.
Logs loss and s/step to <out>/train.log; every --eval-every steps reports held-out PSNR on full frames and writes
<out>/recon-<step>.png (top: original, bottom: reconstruction).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import checkpoint  # noqa: E402
from images import grid, save_png, to_uint8  # noqa: E402
from runtime import default_threads, lr_at, set_lr, setup  # noqa: E402
from shards import list_shards  # noqa: E402
from vae import LATENT_CHANNELS, VAE, detail_map, vae_loss  # noqa: E402


class FrameSampler:
    """Random (clip, frame) picks from memory-mapped shards, each shard weighted by its clip count."""

    def __init__(self, shards, crop: int, rng: np.random.Generator):
        self.videos = [s.video() for s in shards]
        counts = np.array([s.count for s in shards], dtype=np.float64)
        self.p = counts / counts.sum()
        self.crop, self.rng = crop, rng

    def batch(self, n: int) -> np.ndarray:
        out = np.empty((n, self.crop, self.crop, 3), np.uint8)
        which = self.rng.choice(len(self.videos), size=n, p=self.p)
        for k, s in enumerate(which):
            v = self.videos[s]
            clip, frame = self.rng.integers(v.shape[0]), self.rng.integers(v.shape[1])
            y = self.rng.integers(v.shape[2] - self.crop + 1)
            x = self.rng.integers(v.shape[3] - self.crop + 1)
            img = v[clip, frame, y:y + self.crop, x:x + self.crop]
            out[k] = img[:, ::-1] if self.rng.random() < 0.5 else img   # flips are harmless per frame
        return out


def to_tensor(frames_u8: np.ndarray, device) -> torch.Tensor:
    """uint8 [N,H,W,3] → float [N,3,H,W] in [-1,1]."""
    x = torch.from_numpy(np.array(frames_u8)).to(device)
    return x.permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)


def heldout_frames(shards, per_aspect: int = 12):
    """A fixed evaluation set: full frames 0, 8 and 16 of the first clips of each held-out aspect."""
    sets = {}
    for s in shards:
        v = s.video()
        if s.aspect in sets:
            continue
        clips = range(min(per_aspect // 3 + 1, v.shape[0]))
        idx = [f for f in (0, v.shape[1] // 2, v.shape[1] - 1)]
        sets[s.aspect] = np.stack([v[c, f] for c in clips for f in idx])[:per_aspect]
    return sets


@torch.no_grad()
def evaluate(model, sets, device, png_path=None):
    """Posterior-mean reconstruction PSNR (dB, peak-to-peak 2 in [-1,1]) per aspect and pooled."""
    model.eval()
    res, sq, n, rows, dsq, dn = {}, 0.0, 0, [], 0.0, 0.0
    for aspect, frames in sets.items():
        x = to_tensor(frames, device)
        r = model.decoder(model.encoder(x)[0]).clamp(-1, 1)
        mse = ((r - x) ** 2).mean(dim=(1, 2, 3))
        res[aspect] = float((10 * torch.log10(4.0 / mse.clamp(min=1e-10))).mean())
        sq, n = sq + float(mse.sum()), n + len(mse)
        m = (detail_map(x) > 0.25).float()          # shapes and edges only: where small objects live or vanish
        dsq, dn = dsq + float((((r - x) ** 2).mean(dim=1, keepdim=True) * m).sum()), dn + float(m.sum())
        if png_path and aspect == "1x1":
            k = min(8, len(x))
            rows = [list(frames[:k]), list(to_uint8(r[:k].cpu().numpy()))]
    if png_path and rows:
        save_png(grid(rows), png_path, scale=3)
    model.train()
    res["all"] = float(10 * np.log10(4.0 / max(sq / max(n, 1), 1e-10)))
    res["detail"] = float(10 * np.log10(4.0 / max(dsq / max(dn, 1.0), 1e-10)))
    return res


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="data/shards")
    ap.add_argument("--out", default="runs/vae")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--kl", type=float, default=1e-6)
    ap.add_argument("--detail", type=float, default=0.0,
                    help="extra loss weight on small-scale detail (shapes, edges) vs smooth background; 0 = plain")
    ap.add_argument("--crop", type=int, default=64)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=default_threads())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", default=None, help="start from this VAE checkpoint's weights (when --out has none)")
    ap.add_argument("--freeze-encoder", action="store_true",
                    help="train the decoder only: the latent space stays exactly as the DiT was trained on, so the "
                         "decoder can keep improving on a spare core while the DiT trains")
    return ap


def main(argv=None):
    a = build_parser().parse_args(argv)

    device = setup(a.threads, a.seed)
    os.makedirs(a.out, exist_ok=True)
    log = checkpoint.Log(os.path.join(a.out, "train.log"))
    ckpt_path = os.path.join(a.out, "ckpt.pt")
    train = list_shards(a.data, "train")
    if not train:
        raise SystemExit(f"no training shards under {a.data}/train")
    held = list_shards(a.data, "heldout") or train
    model = VAE(LATENT_CHANNELS).to(device)
    if a.freeze_encoder:
        model.encoder.requires_grad_(False)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=a.lr)
    step, best = 0, None
    state = checkpoint.load(ckpt_path)
    if not state and a.init:
        model.load_state_dict(checkpoint.load(a.init)["model"])
        log(f"initialised from {a.init}" + (", encoder frozen" if a.freeze_encoder else ""))
    if state:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step, best = state["step"], state.get("heldout_psnr")
        log(f"resumed at step {step}")
    rng = np.random.default_rng(a.seed + step)   # a resumed run does not replay the same frames
    sampler = FrameSampler(train, a.crop, rng)
    sets = heldout_frames(held)
    log(f"vae: {sum(p.numel() for p in model.parameters())/1e6:.2f}M params, {len(train)} train shards "
        f"({sum(s.count for s in train)} clips), device {device}, threads {torch.get_num_threads()}, "
        f"batch {a.batch}, steps {a.steps}")

    def save(psnr):
        checkpoint.save(ckpt_path, {"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                                    "config": {"latent_channels": LATENT_CHANNELS}, "heldout_psnr": psnr})

    every = checkpoint.Every(a.ckpt_minutes * 60)
    t_last, agg = time.time(), {}
    model.train()
    while step < a.steps:
        set_lr(opt, lr_at(step, a.steps, a.lr, a.warmup))
        x = to_tensor(sampler.batch(a.batch), device)
        recon, mean, logvar = model(x)
        loss, parts = vae_loss(x, recon, mean, logvar, a.kl, a.detail)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        for k, v in dict(parts, loss=loss.item(), n=1).items():
            agg[k] = agg.get(k, 0.0) + v
        if step % a.log_every == 0:
            n = agg.pop("n")   # steps in this window (fewer than log_every right after a resume)
            dt = (time.time() - t_last) / n
            log(f"step {step} " + " ".join(f"{k} {v / n:.5f}" for k, v in agg.items())
                + f" lr {opt.param_groups[0]['lr']:.2e} s/step {dt:.3f}")
            t_last, agg = time.time(), {}
        if step % a.eval_every == 0 or step == a.steps:
            res = evaluate(model, sets, device, os.path.join(a.out, f"recon-{step:06d}.png"))
            best = res["all"]
            log(f"eval step {step} heldout PSNR " + " ".join(f"{k} {v:.2f}" for k, v in res.items()))
            save(best)
            t_last = time.time()
        elif every():
            save(best)
    save(best)
    log(f"done at step {step}, heldout PSNR {best}")


if __name__ == "__main__":
    main()
