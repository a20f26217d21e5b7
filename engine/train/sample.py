"""Samples clips from a DiT checkpoint in PyTorch (a quick visual check while training; the product samples in
TypeScript). Euler over the shifted grid with CFG, exactly as CONTRACTS §6. Writes a PNG grid: one row per prompt,
every second frame.

  python3 engine/train/sample.py --dit runs/dit --vae runs/vae --out /tmp/samples.png \
      "a red circle moving left" "a blue star moves up on a night sky"
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from images import grid, save_png, to_uint8  # noqa: E402
from pack_sources import load_sources  # noqa: E402
from patches import sincos_pos, unpatchify  # noqa: E402
from tokenizer import BOS_ID, encode_batch  # noqa: E402

SIZES = {"1x1": (64, 64), "16x9": (112, 64), "9x16": (64, 112)}


def sigmas(steps: int, shift: float):
    u = 1.0 - np.arange(steps + 1) / steps
    return shift * u / (1.0 + (shift - 1.0) * u)


@torch.no_grad()
def sample(src, prompts, width, height, frames, steps=20, guidance=4.0, shift=2.0, seed=0, known=None, x_known=None):
    """→ normalized latents [B,F,S,P]. known: bool [F] of frames fixed to x_known ([B,F,S,P], normalized)."""
    te, dit = src["text_encoder"], src["dit"]
    h, w = height // 8, width // 8
    b = len(prompts)
    ids = torch.from_numpy(encode_batch(prompts, src["vocab"]))
    uncond = torch.full((b, 1), BOS_ID, dtype=torch.int64)
    sc, pc = te(ids)
    su, pu = te(uncond)
    pos = sincos_pos(frames, h // 2, w // 2, dit.dim)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, frames, (h // 2) * (w // 2), dit.patch_dim, generator=g)
    known = torch.zeros(frames, dtype=torch.bool) if known is None else known
    if known.any():
        x[:, known] = x_known[:, known]
    s = sigmas(steps, shift)
    for i in range(steps):
        t = torch.full((b, frames), float(s[i]))
        t[:, known] = 0.0
        vc = dit(x, t, pos, sc, (ids != 0).float(), pc)
        vu = dit(x, t, pos, su, torch.ones(b, 1), pu)
        v = vu + guidance * (vc - vu)
        x = x + float(s[i + 1] - s[i]) * v
        if known.any():
            x[:, known] = x_known[:, known]
    return x


@torch.no_grad()
def decode(src, tokens, h, w):
    mean = torch.tensor(src["latent_mean"])[None, None, :, None, None]
    std = torch.tensor(src["latent_std"])[None, None, :, None, None]
    z = unpatchify(tokens, h, w) * std + mean
    b, f = z.shape[:2]
    px = src["vae"].decoder(z.reshape(b * f, *z.shape[2:])).clamp(-1, 1)
    return px.reshape(b, f, *px.shape[1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("prompts", nargs="+")
    ap.add_argument("--dit", default="runs/dit")
    ap.add_argument("--vae", default="runs/vae")
    ap.add_argument("--out", default="/tmp/samples.png")
    ap.add_argument("--aspect", default="1x1", choices=sorted(SIZES))
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=4.0)
    ap.add_argument("--shift", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    src = load_sources(a.vae, a.dit)
    width, height = SIZES[a.aspect]
    tokens = sample(src, a.prompts, width, height, a.frames, a.steps, a.guidance, a.shift, a.seed)
    frames = decode(src, tokens, height // 8, width // 8).numpy()
    rows = [list(to_uint8(frames[i, ::2])) for i in range(len(a.prompts))]
    print("wrote", save_png(grid(rows), a.out, scale=2))


if __name__ == "__main__":
    main()
