"""Rebuilds training checkpoints from a shipped model pack, so training can resume on a machine where runs/ is gone.

  python3 engine/train/recover_pack.py --pack engine/models/default --runs runs

Writes <runs>/vae/ckpt.pt (encoder + decoder), <runs>/vae-dec/ckpt.pt (same weights, for snapshots and export) and
<runs>/dit/ckpt.pt (text encoder + DiT; model = EMA = the shipped EMA weights, no optimizer state). The DiT
checkpoint carries `lr_restart` = its step, so train_dit.py warms the learning rate up again from there instead of
hitting fresh Adam moments with a mid-schedule rate.

How: the exporter renames and sometimes transposes weights (a Linear inside MatMul becomes `onnx::MatMul_123`,
stored as Wᵀ). Rather than guess its rules, this exports the same architecture with random weights through the same
exporter, matches each ONNX initializer of that export to the parameter it holds (by value: every random tensor is
distinct), and then reads the shipped pack's initializer of the same name. Anything the pack does not hold (the
encoder's log-variance half: the pack ships the posterior mean only) keeps its initial value and is reported.
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402

import checkpoint  # noqa: E402
from dit import DiT  # noqa: E402
from onnx_export import export_all  # noqa: E402
from text_encoder import TextEncoder  # noqa: E402
from vae import VAE  # noqa: E402


def initializers(path: str) -> dict:
    model = onnx.load(path)
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def match(module: torch.nn.Module, exported: dict) -> dict:
    """param name → (initializer name, transposed) for every parameter found among the exported initializers."""
    found = {}
    for pname, p in module.state_dict().items():
        a = p.detach().numpy()
        for iname, arr in exported.items():
            # same values, possibly reshaped (GroupNorm's affine becomes a [C,1,1] Mul/Add operand)
            if arr.size == a.size and arr.size > 1 and np.array_equal(arr.reshape(a.shape), a):
                found[pname] = (iname, False)
                break
            if a.ndim == 2 and arr.shape == a.T.shape and np.array_equal(arr, a.T):
                found[pname] = (iname, True)
                break
    return found


def randomize(module: torch.nn.Module, gen: torch.Generator) -> None:
    """Distinct random values everywhere (zero-init and constant LayerNorm weights would match each other)."""
    with torch.no_grad():
        for p in module.state_dict().values():
            if p.is_floating_point():
                p.copy_(torch.randn(p.shape, generator=gen))


def recover(module, probe_inits: dict, pack_inits: dict, label: str, allow_missing=()) -> None:
    mapping = match(module, probe_inits)
    state = module.state_dict()
    missing = [k for k in state if k not in mapping and state[k].is_floating_point()]
    bad = [k for k in missing if not any(k.startswith(m) for m in allow_missing)]
    if bad:
        raise SystemExit(f"{label}: no ONNX initializer holds {bad}")
    new = {}
    for k, v in state.items():
        if k in mapping:
            iname, transposed = mapping[k]
            arr = pack_inits[iname].T if transposed else pack_inits[iname].reshape(v.shape)
            new[k] = torch.from_numpy(np.ascontiguousarray(arr)).to(v.dtype)
        else:
            new[k] = v
    module.load_state_dict(new)
    print(f"{label}: {len(mapping)} tensors recovered" + (f", kept initial values of {missing}" if missing else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", default="engine/models/default")
    ap.add_argument("--runs", default="runs")
    ap.add_argument("--dit-step", type=int, required=True, help="the DiT step the pack was exported at (its card says)")
    ap.add_argument("--vae-step", type=int, required=True)
    a = ap.parse_args()

    with open(os.path.join(a.pack, "model_index.json")) as f:
        index = json.load(f)
    with open(os.path.join(a.pack, "tokenizer", "vocab.json")) as f:
        vocab = json.load(f)
    arch, c = index["architecture"], index["latent_channels"]
    text_cfg = {"dim": index["text_hidden_size"], "heads": arch["text_heads"], "layers": arch["text_layers"]}
    dit_cfg = {"patch_dim": 4 * c, "dim": index["hidden_size"], "depth": arch["depth"], "heads": arch["heads"],
               "text_dim": index["text_hidden_size"], "mlp_ratio": arch["mlp_ratio"],
               "text_motion": arch.get("text_motion", False),   # packs up to DiT step 26956 have none
               "layout_channels": len(index["layout"]["channels"]) if index.get("layout") else 0}
    gen = torch.Generator().manual_seed(1234)
    src = {"vae": VAE(c), "text_encoder": TextEncoder(len(vocab), **text_cfg), "dit": DiT(**dit_cfg)}
    for m in src.values():
        randomize(m, gen)
        m.eval()
    with tempfile.TemporaryDirectory() as tmp:
        export_all(src, tmp)
        probe = {n: initializers(os.path.join(tmp, n, "model.onnx"))
                 for n in ("text_encoder", "transformer", "vae_encoder", "vae_decoder")}
    pack = {n: initializers(os.path.join(a.pack, n, "model.onnx")) for n in probe}

    vae = src["vae"]
    recover(vae.encoder, probe["vae_encoder"], pack["vae_encoder"], "vae encoder",
            allow_missing=("out.",))   # the out conv's log-variance half is not in the pack; see fix_encoder_out
    recover(vae.decoder, probe["vae_decoder"], pack["vae_decoder"], "vae decoder")
    recover(src["text_encoder"], probe["text_encoder"], pack["text_encoder"], "text encoder")
    recover(src["dit"], probe["transformer"], pack["transformer"], "transformer")

    vck = {"model": vae.state_dict(), "step": a.vae_step, "config": {"latent_channels": c},
           "recovered_from": a.pack}
    for sub in ("vae", "vae-dec"):
        os.makedirs(os.path.join(a.runs, sub), exist_ok=True)
        checkpoint.save(os.path.join(a.runs, sub, "ckpt.pt"), vck)
    te, dit = src["text_encoder"], src["dit"]
    joint = {**{"text_encoder." + k: v for k, v in te.state_dict().items()},
             **{"dit." + k: v for k, v in dit.state_dict().items()}}
    os.makedirs(os.path.join(a.runs, "dit"), exist_ok=True)
    checkpoint.save(os.path.join(a.runs, "dit", "ckpt.pt"), {
        "model": joint, "ema_model": joint, "step": a.dit_step, "lr_restart": a.dit_step,
        "config": {"dit": dit_cfg, "text": text_cfg}, "vocab": vocab,
        "latent_mean": index["latent_mean"], "latent_std": index["latent_std"],
        "ema": {"dit": dit.state_dict(), "text_encoder": te.state_dict()}, "recovered_from": a.pack,
        "layout": {k: v for k, v in index["layout"].items() if k != "input"} if index.get("layout") else None,
    })
    print(f"wrote {a.runs}/vae, {a.runs}/vae-dec and {a.runs}/dit checkpoints (DiT step {a.dit_step})")


if __name__ == "__main__":
    main()
