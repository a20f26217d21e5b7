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
                 mlp_ratio: int = 4):
        super().__init__()
        self.patch_dim, self.dim = patch_dim, dim
        self.inp = nn.Linear(patch_dim, dim)
        self.t_mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.text_proj = nn.Linear(text_dim, dim)
        self.blocks = nn.ModuleList([Block(dim, text_dim, heads, mlp_ratio) for _ in range(depth)])
        self.final = FinalLayer(dim, patch_dim)
        nn.init.normal_(self.t_mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_mlp[2].weight, std=0.02)

    def forward(self, tokens, timesteps, pos, text_states, text_mask, pooled):
        x = self.inp(tokens) + pos.unsqueeze(0)                             # [B,F,S,D]
        c = self.t_mlp(timestep_embedding(timesteps, self.dim))             # [B,F,D]
        c = F.silu(c + self.text_proj(pooled).unsqueeze(1))
        bias = key_padding_bias(text_mask)
        for block in self.blocks:
            x = block(x, c, text_states, bias)
        return self.final(x, c)
