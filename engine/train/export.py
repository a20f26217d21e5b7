"""Writes a model pack (CONTRACTS §5): four ONNX models (and an int8 copy of the denoiser), model_index.json, scheduler config, tokenizer, model card.

  python3 engine/train/export.py --vae runs/vae --dit runs/dit --out engine/models/default
  python3 engine/train/export.py --random --out runs/random-pack      # untrained: the eval's floor

The pack is assembled in a sibling temp folder and swapped in at the end, so a reader never sees half a pack.
"""
import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from onnx_export import export_all  # noqa: E402
from pack_sources import load_sources  # noqa: E402
from quantize_int8 import quantize_file  # noqa: E402
from tokenizer import save_tokenizer  # noqa: E402

SIZES = {"1:1": [64, 64], "16:9": [112, 64], "9:16": [64, 112]}
SCHEDULER = {"_class_name": "RectifiedFlowEulerScheduler", "shift": 2.0, "default_steps": 20, "default_guidance": 2.5}
MAX_PACK_BYTES = 40 * 1024 * 1024


def model_index(src, name: str) -> dict:
    dit, te = src["dit"], src["text_encoder"]
    return {
        "_class_name": "TinySoraPipeline", "format_version": 1, "name": name,
        "fps": 8, "default_frames": 17, "max_frames": 17, "sizes": SIZES,
        "vae_scale_factor": 8, "patch_size": [1, 2, 2], "latent_channels": src["vae"].latent_channels,
        "latent_mean": src["latent_mean"], "latent_std": src["latent_std"],
        "hidden_size": src["dit"].dim, "text_hidden_size": src["text_encoder"].dim,
        "pos_embed": {"type": "sincos3d", "theta": 10000},
        # Enough to rebuild the same networks (the PyTorch baseline of bench:engine) and to count their FLOPs.
        "architecture": {
            "depth": len(dit.blocks), "heads": dit.blocks[0].attn.heads,
            "mlp_ratio": dit.blocks[0].mlp[0].out_features // dit.dim,
            "text_motion": dit.text_motion is not None,
            "text_layers": len(te.layers), "text_heads": te.layers[0].attn.heads, "max_text_len": te.max_length,
        },
        # CONTRACTS §8: whether the denoiser takes the layout input, and how to build it. Packs without it have null.
        "layout": ({**src["layout"], "input": "layout"} if src.get("layout") and getattr(dit, "layout", None) is not None
                   else None),
    }


def _params(m) -> int:
    return sum(p.numel() for p in m.parameters())


def model_card(src, name: str) -> str:
    info, dit, te, vae = src["info"], src["dit"], src["text_encoder"], src["vae"]
    lines = [f"# {name}", ""]
    if info["kind"] == "random":
        lines += ["**Untrained** (seeded random initialisation, seed %d). It produces noise-like video: it is the "
                  "evaluation's floor and a test fixture for the pipeline, not a usable model." % info["seed"],
                  f"Vocabulary: {info['vocab_source']}.", ""]
    else:
        lines += [f"Trained from scratch on procedurally rendered clips (engine/synth). VAE step {info['vae_step']}"
                  + (f", held-out reconstruction PSNR {info['vae_psnr']:.2f} dB" if info.get("vae_psnr") else "")
                  + f"; DiT step {info['dit_step']} (EMA weights).", ""]
    lines += [
        "## Architecture",
        f"- VAE: per-frame 2-D conv autoencoder with KL, spatial ÷8, {vae.latent_channels} latent channels "
        f"(encoder {_params(vae.encoder)/1e6:.2f}M, decoder {_params(vae.decoder)/1e6:.2f}M parameters).",
        f"- Text encoder: word-level vocabulary ({te.vocab_size} ids), learned positions, 2 pre-LN transformer "
        f"layers, width {te.dim} ({_params(te)/1e6:.2f}M parameters); outputs per-word states and a masked-mean pool.",
        f"- Denoiser: DiT over 1×2×2 latent patches, width {dit.dim}, {len(dit.blocks)} blocks of full spacetime "
        f"self-attention + cross-attention to text + MLP; adaLN-Zero from a timestep per latent frame plus the "
        f"pooled caption; zero-initialised output ({_params(dit)/1e6:.2f}M parameters).",
        "- Positions: additive sin-cos over (frame, patch row, patch col), computed by the pipeline for any grid.",
        "- Objective: rectified flow, x_t = (1−t)·x0 + t·ε, predicting v = ε − x0; known frames carry t = 0. "
        "Training t: half logit-normal(0, 1), half as the sampler walks (uniform, shifted like the scheduler) — "
        "from DiT step 5450 on; before that logit-normal only, which left the first sampling steps untrained.",
        "",
        "## Use",
        "Euler sampling from t = 1 to 0 on the shifted grid (scheduler/scheduler_config.json), classifier-free "
        "guidance against the empty caption `[2]`. Sizes: 64×64, 112×64, 64×112; up to 17 frames at 8 fps.",
        "",
        "`transformer/model.int8.onnx`: the denoiser with its weight matrices in int8 (7-bit range, one scale per "
        "output column; activations quantized per call; engine/train/quantize_int8.py), which the pipeline runs on "
        "the CPU by default (`SORA_PRECISION`).",
        "",
        "Reproduce: `bash engine/train/reproduce.sh`.",
        "",
    ]
    return "\n".join(lines)


def write_pack(src, out_dir: str, name: str) -> int:
    out_dir = os.path.abspath(out_dir)
    tmp = out_dir + ".tmp-%d" % os.getpid()
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    export_all(src, tmp)
    # The int8 denoiser beside the float one: the CPU default where the pack has it (engine/pipeline/pack.ts).
    quantize_file(os.path.join(tmp, "transformer", "model.onnx"), os.path.join(tmp, "transformer", "model.int8.onnx"))
    with open(os.path.join(tmp, "model_index.json"), "w") as f:
        json.dump(model_index(src, name), f, indent=2)
    os.makedirs(os.path.join(tmp, "scheduler"))
    with open(os.path.join(tmp, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(SCHEDULER, f, indent=2)
    save_tokenizer(src["vocab"], os.path.join(tmp, "tokenizer"))
    with open(os.path.join(tmp, "README.md"), "w") as f:
        f.write(model_card(src, name))
    size = sum(os.path.getsize(os.path.join(d, fn)) for d, _, fs in os.walk(tmp) for fn in fs)
    if size > MAX_PACK_BYTES:
        shutil.rmtree(tmp)
        raise SystemExit(f"pack is {size/2**20:.1f} MiB, over the 40 MiB budget")
    # Swap: keep files in out_dir we do not own (e.g. a READY marker) by replacing only what we wrote.
    os.makedirs(out_dir, exist_ok=True)
    for entry in os.listdir(tmp):
        dst = os.path.join(out_dir, entry)
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        os.replace(os.path.join(tmp, entry), dst)
    shutil.rmtree(tmp)
    return size


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vae", default="runs/vae")
    ap.add_argument("--dit", default="runs/dit")
    ap.add_argument("--out", default="engine/models/default")
    ap.add_argument("--random", action="store_true", help="untrained, seeded random init")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shards", default="data/shards", help="--random: vocabulary from these training captions")
    ap.add_argument("--name", default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    t0 = time.time()
    src = load_sources(a.vae, a.dit, random=a.random, seed=a.seed, shards_root=a.shards)
    name = a.name or ("tiny-sora-random" if a.random else "tiny-sora-default")
    size = write_pack(src, a.out, name)
    print(f"wrote {a.out} ({size/2**20:.2f} MiB, {src['info']['kind']}) in {time.time()-t0:.1f}s")


if __name__ == "__main__":
    main()
