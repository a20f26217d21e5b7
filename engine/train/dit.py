"""Diffusion transformer over spacetime patch tokens (CONTRACTS §4–5, ARCHITECTURE "The model").

tokens [B,F,S,P] + pos [F,S,D] → velocity [B,F,S,P]. Conditioning is per latent FRAME: one timestep per frame
(known frames carry t = 0) plus the pooled caption drive adaLN-Zero modulation [B,F,6D], broadcast over the S tokens
of that frame. Every block attends over all F·S tokens (full spacetime), then cross-attends to the caption.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from attention import CrossAttention, SelfAttention, key_padding_bias


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding of t·1000 (t ∈ [0,1]); t [...] → [..., dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = (t * 1000.0).unsqueeze(-1) * freqs
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


FRAMES_PER_RAMP_UNIT = 8.0


def frame_ramp(timesteps: torch.Tensor) -> torch.Tensor:
    """[B,F] → [1,F,1]: each latent frame's offset from the clip's middle frame, in units of 8 frames. Built from the
    timesteps' shape with tensor ops (not Python ints), so the exported graph keeps F dynamic. The slope per frame is
    the same for any clip length, so a 5-frame training window and a 17-frame clip agree on what it means."""
    index = torch.ones_like(timesteps[:1]).cumsum(dim=1) - 1.0
    return ((index - index.mean(dim=1, keepdim=True)) / FRAMES_PER_RAMP_UNIT).unsqueeze(-1)


class PlainLayerNorm(nn.Module):
    """LayerNorm without learned affine (adaLN supplies shift/scale). Explicit unit weight/zero bias buffers because
    torch 1.13's opset-17 exporter emits an invalid LayerNormalization node when the affine is absent."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", torch.ones(dim), persistent=False)
        self.register_buffer("bias", torch.zeros(dim), persistent=False)

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, self.eps)


def modulate(x, shift, scale):
    """x [B,F,S,D]; shift/scale [B,F,D] → broadcast over S."""
    return x * (1.0 + scale.unsqueeze(2)) + shift.unsqueeze(2)


class Block(nn.Module):
    def __init__(self, dim: int, text_dim: int, heads: int, mlp_ratio: int = 4):
        super().__init__()
        self.n1 = PlainLayerNorm(dim)
        self.attn = SelfAttention(dim, heads)
        self.n2 = nn.LayerNorm(dim, eps=1e-6)
        self.cross = CrossAttention(dim, text_dim, heads)
        self.n3 = PlainLayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(approximate="tanh"),
                                 nn.Linear(mlp_ratio * dim, dim))
        self.ada = nn.Linear(dim, 6 * dim)
        nn.init.zeros_(self.ada.weight)   # adaLN-Zero: every block starts as the identity
        nn.init.zeros_(self.ada.bias)

    def forward(self, x, c, text, text_bias):
        """x [B,F,S,D], c [B,F,D] (already SiLU'd), text [B,L,Dt], text_bias [B,1,1,L]."""
        b, f, s, d = x.shape
        sh1, sc1, g1, sh2, sc2, g2 = self.ada(c).chunk(6, dim=-1)           # each [B,F,D]
        h = modulate(self.n1(x), sh1, sc1).reshape(b, f * s, d)
        x = x + g1.unsqueeze(2) * self.attn(h).reshape(b, f, s, d)
        flat = x.reshape(b, f * s, d)
        x = x + self.cross(self.n2(flat), text, text_bias).reshape(b, f, s, d)
        h = modulate(self.n3(x), sh2, sc2)
        return x + g2.unsqueeze(2) * self.mlp(h)


class FinalLayer(nn.Module):
    def __init__(self, dim: int, patch_dim: int):
        super().__init__()
        self.norm = PlainLayerNorm(dim)
        self.ada = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, patch_dim)
        for lin in (self.ada, self.out):   # zero output at init: the first prediction is v = 0
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, x, c):
        shift, scale = self.ada(c).chunk(2, dim=-1)
        return self.out(modulate(self.norm(x), shift, scale))


class DiT(nn.Module):
    def __init__(self, patch_dim: int = 32, dim: int = 128, depth: int = 6, heads: int = 4, text_dim: int = 128,
                 mlp_ratio: int = 4, text_motion: bool = True, layout_channels: int = 0):
        super().__init__()
        self.patch_dim, self.dim = patch_dim, dim
        self.inp = nn.Linear(patch_dim, dim)
        self.t_mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.text_proj = nn.Linear(text_dim, dim)
        # The caption's pull that changes linearly over the clip's frames. The pooled caption reaches adaLN the same
        # on every frame, and a probe of the step-26956 model found that path carries most of a direction word's
        # effect, so "moves left" could only act through attention over frames. Zero-init: a model trained without it
        # is unchanged until training moves it. Off only to rebuild packs from before it (recover_pack.py).
        self.text_motion = nn.Linear(text_dim, dim) if text_motion else None
        if self.text_motion is not None:
            nn.init.zeros_(self.text_motion.weight)
            nn.init.zeros_(self.text_motion.bias)
        # The layout (CONTRACTS §8: per frame and token, each object's coverage times its colour, shape and size, and
        # its sub-token offset) added to the tokens. Shape words alone moved x0 ~10x less than colour words: with the
        # object's place unknown the loss averages its outline away. Bias-free, so an all-zero layout (none given)
        # adds nothing; the last projection zero-initialised, so a trained model without it is unchanged at first.
        self.layout_channels = layout_channels
        self.layout = None
        if layout_channels:
            self.layout = nn.Sequential(nn.Linear(layout_channels, dim, bias=False), nn.SiLU(),
                                        nn.Linear(dim, dim, bias=False))
            nn.init.zeros_(self.layout[2].weight)
        self.blocks = nn.ModuleList([Block(dim, text_dim, heads, mlp_ratio) for _ in range(depth)])
        self.final = FinalLayer(dim, patch_dim)
        nn.init.normal_(self.t_mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_mlp[2].weight, std=0.02)

    def forward(self, tokens, timesteps, pos, text_states, text_mask, pooled, layout=None):
        """layout [B,F,S,C] or None (no layout: the same as all zeros). Ignored by a model without layout input."""
        x = self.inp(tokens) + pos.unsqueeze(0)                             # [B,F,S,D]
        if self.layout is not None and layout is not None:
            x = x + self.layout(layout)
        c = self.t_mlp(timestep_embedding(timesteps, self.dim))             # [B,F,D]
        text = self.text_proj(pooled).unsqueeze(1)                          # [B,1,D]
        if self.text_motion is not None:
            text = text + frame_ramp(timesteps) * self.text_motion(pooled).unsqueeze(1)
        c = F.silu(c + text)
        bias = key_padding_bias(text_mask)
        for block in self.blocks:
            x = block(x, c, text_states, bias)
        return self.final(x, c)
