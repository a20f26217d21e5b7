"""The same model, the same shapes and the same sampling loop as the ONNX pipeline, in PyTorch eager: the baseline
`npm run bench:engine` prints its ratios against. Prints one JSON object with median milliseconds per stage.

Weights are random: the architecture (read from the pack's model_index.json) fixes the work, and the values do not
change how long a dense float32 forward pass takes.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))

import torch  # noqa: E402

from dit import DiT  # noqa: E402
from patches import sincos_pos  # noqa: E402
from text_encoder import TextEncoder  # noqa: E402
from vae import VAE  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--aspect", default="1:1")
    ap.add_argument("--text-len", type=int, default=24)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    with open(os.path.join(a.pack, "model_index.json")) as f:
        index = json.load(f)
    with open(os.path.join(a.pack, "tokenizer", "vocab.json")) as f:
        vocab_size = len(json.load(f))
    arch = index["architecture"]
    c = index["latent_channels"]
    text = TextEncoder(vocab_size, dim=index["text_hidden_size"], layers=arch["text_layers"],
                       heads=arch["text_heads"], max_length=arch["max_text_len"]).eval()
    dit = DiT(patch_dim=4 * c, dim=index["hidden_size"], depth=arch["depth"], heads=arch["heads"],
              text_dim=index["text_hidden_size"], mlp_ratio=arch["mlp_ratio"],
              text_motion=arch.get("text_motion", False)).eval()
    vae = VAE(c).eval()

    width, height = index["sizes"][a.aspect]
    h, w = height // 8, width // 8
    rows, cols = h // 2, w // 2
    pos = sincos_pos(a.frames, rows, cols, index["hidden_size"])
    ids = torch.randint(3, vocab_size, (2, a.text_len))
    ids[1, 1:] = 0   # the unconditional branch is the empty caption

    def one_clip():
        times = {}
        t0 = time.perf_counter()
        states, pooled = text(ids)
        mask = (ids != 0).float()
        times["text"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        x = torch.randn(1, a.frames, rows * cols, 4 * c)
        for i in range(a.steps):
            t = torch.full((2, a.frames), 1.0 - i / a.steps)
            v = dit(torch.cat([x, x]), t, pos, states, mask, pooled)
            v = v[1:] + 4.0 * (v[:1] - v[1:])
            x = x - v / a.steps
        times["denoise"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        z = x.reshape(a.frames, rows, cols, c, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(a.frames, c, h, w)
        vae.decoder(z)
        times["decode"] = time.perf_counter() - t0
        return times

    with torch.no_grad():
        one_clip()   # warm-up: first-call allocations and kernel selection stay out of the numbers
        runs = [one_clip() for _ in range(a.runs)]
    out = {k: statistics.median(r[k] for r in runs) * 1000.0 for k in runs[0]}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out["torch"] = torch.__version__
    out["threads"] = torch.get_num_threads()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
