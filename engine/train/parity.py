"""ONNX ↔ PyTorch parity for a pack: runs each exported model in PyTorch on three shapes, dumps inputs and reference
outputs, then runs parity.ts (onnxruntime-node, the runtime the product uses) to compare. Exit code is non-zero when
any relative error ‖out − ref‖ / ‖ref‖ exceeds the tolerance.

  python3 engine/train/parity.py --vae runs/vae --dit runs/dit --pack engine/models/default
  python3 engine/train/parity.py --random --pack runs/random-pack
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from onnx_export import specs, torch_modules  # noqa: E402
from pack_sources import load_sources  # noqa: E402
from patches import sincos_pos  # noqa: E402
from tokenizer import encode_batch  # noqa: E402

# (label, width, height, frames): the three aspects, one of them short, batch 2.
SHAPES = [("1x1_f17", 64, 64, 17), ("16x9_f17", 112, 64, 17), ("9x16_f9", 64, 112, 9)]
PROMPTS = [["a red circle moves left", "a small blue star spins slowly on a night sky"],
           ["green heart bounces", "a large yellow ring grows over grass while drifting to the upper right"],
           ["", "purple triangle"]]


def case_inputs(src, width, height, frames, prompts, gen):
    te, dit = src["text_encoder"], src["dit"]
    ids = torch.from_numpy(encode_batch(prompts, src["vocab"]))
    mask = (ids != 0).float()
    with torch.no_grad():
        states, pooled = te(ids)
    h, w = height // 8, width // 8
    S = (h // 2) * (w // 2)
    t = torch.rand(2, frames, generator=gen)
    t[0, :2] = 0.0                                   # known frames, as in image-to-video
    frames_px = torch.rand(2 * frames, 3, height, width, generator=gen) * 2 - 1
    with torch.no_grad():
        latents = src["vae"].encoder(frames_px)[0]
    transformer = (torch.randn(2, frames, S, dit.patch_dim, generator=gen), t,
                   sincos_pos(frames, h // 2, w // 2, dit.dim), states, mask, pooled)
    if getattr(dit, "layout", None) is not None:
        lay = torch.rand(2, frames, S, dit.layout_channels, generator=gen)
        lay[1] = 0.0                                 # the unconditional row: no layout
        transformer += (lay,)
    return {
        "text_encoder": (ids,),
        "transformer": transformer,
        "vae_encoder": (frames_px,),
        "vae_decoder": (latents,),
    }


def dump(arr: torch.Tensor, path: str) -> dict:
    a = arr.detach().cpu().numpy()
    a = a.astype(np.int64 if a.dtype == np.int64 else np.float32)
    a.tofile(path)
    return {"dtype": "int64" if a.dtype == np.int64 else "float32", "dims": list(a.shape), "file": os.path.basename(path)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vae", default="runs/vae")
    ap.add_argument("--dit", default="runs/dit")
    ap.add_argument("--random", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shards", default="data/shards")
    ap.add_argument("--pack", default="engine/models/default")
    ap.add_argument("--dir", default=None, help="where to dump tensors (default: a new temp dir)")
    ap.add_argument("--tolerance", type=float, default=1e-3)
    ap.add_argument("--no-run", action="store_true", help="only dump; do not call parity.ts")
    a = ap.parse_args()
    torch.set_num_threads(1)
    src = load_sources(a.vae, a.dit, random=a.random, seed=a.seed, shards_root=a.shards)
    mods = torch_modules(src)
    out = a.dir or tempfile.mkdtemp(prefix="parity-")
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(1234)
    cases = []
    for (label, width, height, frames), prompts in zip(SHAPES, PROMPTS):
        inputs = case_inputs(src, width, height, frames, prompts, gen)
        for model, args in inputs.items():
            in_names, out_names, _ = specs(src)[model]
            with torch.no_grad():
                res = mods[model](*args)
            res = res if isinstance(res, tuple) else (res,)
            cases.append({
                "shape": label, "model": model,
                "inputs": {n: dump(x, os.path.join(out, f"{label}.{model}.in.{n}.bin")) for n, x in zip(in_names, args)},
                "outputs": {n: dump(y, os.path.join(out, f"{label}.{model}.out.{n}.bin")) for n, y in zip(out_names, res)},
            })
    manifest = {"pack": os.path.abspath(a.pack), "tolerance": a.tolerance, "cases": cases}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"dumped {len(cases)} cases to {out}")
    if a.no_run:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    rc = subprocess.call(["npx", "tsx", os.path.join(here, "parity.ts"), out])
    sys.exit(rc)


if __name__ == "__main__":
    main()
