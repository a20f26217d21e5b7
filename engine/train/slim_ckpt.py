"""Copies what export.py / pack_sources.py read from a DiT checkpoint (EMA weights, config, vocabulary, latent
statistics, step) into a file a quarter of the size: no optimizer state, no raw weights. For bringing a checkpoint
home from a training machine.

  python3 engine/train/slim_ckpt.py runs/dit/ckpt.pt out/dit-ema.pt
  (at home: mkdir -p runs/dit && cp out/dit-ema.pt runs/dit/ckpt.pt, then export.py as usual)
"""
import os
import sys

import torch

KEEP = ("ema", "config", "vocab", "latent_mean", "latent_std", "step", "lr_restart")


def main():
    src, dst = sys.argv[1], sys.argv[2]
    state = torch.load(src, map_location="cpu", weights_only=False)
    slim = {k: state[k] for k in KEEP if k in state}
    # train_dit.py resumes from it too, as from recover_pack.py: the EMA weights as the model, a fresh optimizer.
    slim["recovered_from"] = f"{src} (EMA weights of step {state['step']})"
    slim["lr_restart"] = state["step"]
    torch.save(slim, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    print(f"{dst}: step {state['step']}, {os.path.getsize(dst) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
