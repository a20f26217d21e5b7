"""Encodes every clip of the shards with the trained VAE once (posterior mean), so DiT training never runs the VAE.

  python3 engine/train/encode_latents.py --vae runs/vae --data data/shards --out runs/latents

Writes <out>/<split>/<aspect>.npy (float16 [N, F, C, h, w]) and <aspect>.json ({captions, scenes}), and
<out>/stats.json with the per-channel mean/std of the TRAINING latents (the pack's latent_mean / latent_std).
An aspect already encoded with the same VAE step is skipped, so a re-run after an interruption resumes.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import checkpoint  # noqa: E402
from runtime import default_threads, setup  # noqa: E402
from shards import by_aspect, list_shards  # noqa: E402
from vae import VAE  # noqa: E402


@torch.no_grad()
def encode_aspect(vae, shards, path_npy, clips_per_batch, device):
    F, H, W = shards[0].frames, shards[0].height, shards[0].width
    n = sum(s.count for s in shards)
    c = vae.latent_channels
    tmp = path_npy + ".tmp.npy"
    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16, shape=(n, F, c, H // 8, W // 8))
    s1 = np.zeros(c)
    s2 = np.zeros(c)
    row = 0
    for s in shards:
        v = s.video()
        for i in range(0, s.count, clips_per_batch):
            clip = torch.from_numpy(np.array(v[i:i + clips_per_batch])).to(device)   # [b,F,H,W,3]
            b = clip.shape[0]
            x = clip.reshape(b * F, H, W, 3).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)
            z = vae.encoder(x)[0].double()                                               # [b·F, c, h, w]
            s1 += z.sum(dim=(0, 2, 3)).cpu().numpy()
            s2 += (z * z).sum(dim=(0, 2, 3)).cpu().numpy()
            out[row:row + b] = z.reshape(b, F, c, H // 8, W // 8).cpu().numpy().astype(np.float16)
            row += b
    out.flush()
    del out
    os.replace(tmp, path_npy)
    count = n * F * (H // 8) * (W // 8)
    return s1, s2, count


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vae", default="runs/vae")
    ap.add_argument("--data", default="data/shards")
    ap.add_argument("--out", default="runs/latents")
    ap.add_argument("--splits", default="train,heldout")
    ap.add_argument("--clips-per-batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=default_threads())
    a = ap.parse_args()
    device = setup(a.threads, 0)
    ck = checkpoint.read(os.path.join(a.vae, "ckpt.pt"))
    vae = VAE(ck["config"]["latent_channels"])
    vae.load_state_dict(ck["model"])
    vae.eval().to(device)
    stats_path = os.path.join(a.out, "stats.json")
    prev = json.load(open(stats_path)) if os.path.exists(stats_path) else {}
    sums = prev.get("sums", {}) if prev.get("vae_step") == ck["step"] else {}
    for split in a.splits.split(","):
        os.makedirs(os.path.join(a.out, split), exist_ok=True)
        for aspect, shards in sorted(by_aspect(list_shards(a.data, split)).items()):
            key = f"{split}/{aspect}"
            npy = os.path.join(a.out, split, aspect + ".npy")
            meta_path = os.path.join(a.out, split, aspect + ".json")
            n = sum(s.count for s in shards)
            if key in sums and os.path.exists(npy) and sums[key]["clips"] == n:
                print(f"{key}: already encoded with VAE step {ck['step']}, skipping")
                continue
            t0 = time.time()
            s1, s2, count = encode_aspect(vae, shards, npy, a.clips_per_batch, device)
            with open(meta_path, "w") as f:
                json.dump({"width": shards[0].width, "height": shards[0].height, "frames": shards[0].frames,
                           "captions": [it["captions"] for s in shards for it in s.items],
                           "scenes": [it["scene"] for s in shards for it in s.items]}, f)
            sums[key] = {"clips": n, "s1": s1.tolist(), "s2": s2.tolist(), "count": count}
            dt = time.time() - t0
            print(f"{key}: {n} clips in {dt:.1f}s ({n * shards[0].frames / dt:.0f} frames/s)", flush=True)
            json.dump({"vae_step": ck["step"], "sums": sums}, open(stats_path, "w"))  # progress survives a stop
    train = [v for k, v in sums.items() if k.startswith("train/")]
    if not train:
        raise SystemExit("no training latents")
    s1 = np.sum([v["s1"] for v in train], axis=0)
    s2 = np.sum([v["s2"] for v in train], axis=0)
    cnt = sum(v["count"] for v in train)
    mean = s1 / cnt
    std = np.sqrt(np.maximum(s2 / cnt - mean ** 2, 1e-12))
    stats = {"vae_step": ck["step"], "latent_mean": mean.tolist(), "latent_std": std.tolist(), "sums": sums}
    with open(stats_path, "w") as f:
        json.dump(stats, f, indent=1)
    print("latent_mean", np.round(mean, 4).tolist())
    print("latent_std ", np.round(std, 4).tolist())


if __name__ == "__main__":
    main()
