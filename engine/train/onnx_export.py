"""ONNX export of the four pack models with every non-feature axis dynamic (CONTRACTS §5, opset 17)."""
import io
import os

import torch
import torch.nn as nn

from vae import EncoderMean

OPSET = 17


class _TextWrap(nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


class _DecoderWrap(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.decoder = vae.decoder

    def forward(self, latents):
        return self.decoder(latents)


def example_inputs(src):
    """Distinct sizes on every dynamic axis (B=2, F=3, S=6, L=5, N=2) so the tracer cannot confuse two of them."""
    te, dit = src["text_encoder"], src["dit"]
    c = src["vae"].latent_channels
    ids = torch.tensor([[2, 3, 4, 5, 0], [2, 6, 0, 0, 0]], dtype=torch.int64)
    transformer = (torch.randn(2, 3, 6, dit.patch_dim), torch.rand(2, 3), torch.randn(3, 6, dit.dim),
                   torch.randn(2, 5, te.dim), (ids != 0).float(), torch.randn(2, te.dim))
    if getattr(dit, "layout", None) is not None:
        transformer += (torch.rand(2, 3, 6, dit.layout_channels),)
    return {
        "text_encoder": (ids,),
        "transformer": transformer,
        "vae_encoder": (torch.rand(2, 3, 32, 48) * 2 - 1,),
        "vae_decoder": (torch.randn(2, c, 4, 6),),
    }


SPECS = {
    "text_encoder": (["input_ids"], ["hidden_states", "pooled"],
                     {"input_ids": {0: "B", 1: "L"}, "hidden_states": {0: "B", 1: "L"}, "pooled": {0: "B"}}),
    "transformer": (["tokens", "timesteps", "pos", "text_states", "text_mask", "pooled"], ["velocity"],
                    {"tokens": {0: "B", 1: "F", 2: "S"}, "timesteps": {0: "B", 1: "F"}, "pos": {0: "F", 1: "S"},
                     "text_states": {0: "B", 1: "L"}, "text_mask": {0: "B", 1: "L"}, "pooled": {0: "B"},
                     "velocity": {0: "B", 1: "F", 2: "S"}}),
    "vae_encoder": (["frames"], ["latents"], {"frames": {0: "N", 2: "H", 3: "W"}, "latents": {0: "N", 2: "h", 3: "w"}}),
    "vae_decoder": (["latents"], ["frames"], {"latents": {0: "N", 2: "h", 3: "w"}, "frames": {0: "N", 2: "H", 3: "W"}}),
}


def specs(src) -> dict:
    """SPECS for this pack: a denoiser with a layout input (CONTRACTS §8) has `layout` f32 [B, F, S, C] last."""
    if getattr(src["dit"], "layout", None) is None:
        return SPECS
    inputs, outputs, axes = SPECS["transformer"]
    return {**SPECS, "transformer": (inputs + ["layout"], outputs, {**axes, "layout": {0: "B", 1: "F", 2: "S"}})}


def torch_modules(src):
    """The exact nn.Modules that are exported, by pack folder name (parity runs these)."""
    return {
        "text_encoder": _TextWrap(src["text_encoder"]).eval(),
        "transformer": src["dit"].eval(),
        "vae_encoder": EncoderMean(src["vae"]).eval(),
        "vae_decoder": _DecoderWrap(src["vae"]).eval(),
    }


def export_onnx(module: nn.Module, args, path: str, name: str, spec=None) -> None:
    inputs, outputs, axes = spec or SPECS[name]
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, args, buf, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:   # one self-contained file: weights inline, no external data
        f.write(buf.getvalue())


def export_all(src, out_dir: str) -> None:
    mods, ex, sp = torch_modules(src), example_inputs(src), specs(src)
    for name in SPECS:
        export_onnx(mods[name], ex[name], os.path.join(out_dir, name, "model.onnx"), name, sp[name])
