"""Rebuilds the PyTorch models a pack is exported from: trained checkpoints, or a seeded random init.

export.py and parity.py both call `load_sources` with the same arguments, so parity compares ONNX against exactly
the PyTorch modules that were exported.
"""
import os

import torch

import checkpoint
from dit import DiT
from fallback_words import fallback_words
from shards import all_captions, list_shards
from text_encoder import TextEncoder
from tokenizer import build_vocab
from vae import VAE, LATENT_CHANNELS

DEFAULT_DIT = {"patch_dim": 4 * LATENT_CHANNELS, "dim": 128, "depth": 6, "heads": 4, "text_dim": 128, "mlp_ratio": 4}
DEFAULT_TEXT = {"dim": 128, "heads": 4, "layers": 2}


def _perturb_zero_init(module: torch.nn.Module, std: float, gen: torch.Generator) -> None:
    """adaLN-Zero and the zero output layer make an untrained DiT return v = 0 exactly; a random pack should
    exercise every path (and give parity a non-zero reference), so fill all-zero weights with small noise."""
    with torch.no_grad():
        for p in module.parameters():
            if p.dim() >= 2 and not p.any():
                p.copy_(torch.randn(p.shape, generator=gen) * std)


def random_vocab(shards_root: str):
    shards = list_shards(shards_root, "train") if shards_root and os.path.isdir(shards_root) else []
    if shards:
        return build_vocab(all_captions(shards)), "training captions of " + shards_root
    return build_vocab([" ".join(fallback_words())]), "built-in word list (no shards)"


def load_sources(vae_dir=None, dit_dir=None, random=False, seed=0, shards_root="data/shards"):
    """→ dict(vae, text_encoder, dit, vocab, latent_mean, latent_std, layout, info) with models in eval mode on CPU;
    layout is the layout input's header (CONTRACTS §8) for a DiT that takes one, else None. dit_dir may also name
    the training-state file itself."""
    info = {}
    if random:
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        vocab, info["vocab_source"] = random_vocab(shards_root)
        vae = VAE(LATENT_CHANNELS)
        te = TextEncoder(len(vocab), **DEFAULT_TEXT)
        dit = DiT(**DEFAULT_DIT)
        _perturb_zero_init(dit, 0.02, gen)
        mean, std = [0.0] * LATENT_CHANNELS, [1.0] * LATENT_CHANNELS
        layout = None
        info.update(kind="random", seed=seed)
    else:
        vck = checkpoint.read(os.path.join(vae_dir, "ckpt.pt"))
        vae = VAE(vck["config"]["latent_channels"])
        vae.load_state_dict(vck["model"])
        dck = checkpoint.read(dit_dir if os.path.isfile(dit_dir) else os.path.join(dit_dir, "ckpt.pt"))
        vocab = dck["vocab"]
        te = TextEncoder(len(vocab), **dck["config"]["text"])
        dit = DiT(**dck["config"]["dit"])
        te.load_state_dict(dck["ema"]["text_encoder"])   # EMA weights are what ships
        dit.load_state_dict(dck["ema"]["dit"])
        mean, std = dck["latent_mean"], dck["latent_std"]
        layout = dck.get("layout")
        info.update(kind="trained", vae_step=vck["step"], dit_step=dck["step"],
                    vae_psnr=vck.get("heldout_psnr"), dit_config=dck["config"])
    for m in (vae, te, dit):
        m.eval()
    return dict(vae=vae, text_encoder=te, dit=dit, vocab=vocab, latent_mean=list(map(float, mean)),
                latent_std=list(map(float, std)), layout=layout, info=info)
