"""Copies what export.py / pack_sources.py read from a DiT checkpoint (EMA weights, config, vocabulary, latent
statistics, step) into a file a quarter of the size: no optimizer state, no raw weights. For bringing a checkpoint
home from a training machine.

  python3 engine/train/slim_ckpt.py runs/dit/ckpt.pt out/dit-ema.pt
  (at home: mkdir -p runs/dit && cp out/dit-ema.pt runs/dit/ckpt.pt, then export.py as usual)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checkpoint  # noqa: E402

KEEP = ("ema", "config", "vocab", "latent_mean", "latent_std", "step", "lr_restart")


def main():
    src, dst = sys.argv[1], sys.argv[2]
    state = checkpoint.read(src)
    slim = {k: state[k] for k in KEEP if k in state}
    # train_dit.py resumes from it too, as from recover_pack.py: the EMA weights as the model, a fresh optimizer.
    slim["recovered_from"] = f"{src} (EMA weights of step {state['step']})"
    slim["lr_restart"] = state["step"]
    checkpoint.save(dst, slim)
    print(f"{dst}: step {state['step']}, {os.path.getsize(dst) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
