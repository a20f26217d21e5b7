"""Multi-head attention written out (softmax(QKᵀ/√d)·V).

torch 1.13 has no F.scaled_dot_product_attention, and the explicit form exports to plain ONNX MatMul/Softmax that
onnxruntime-node runs everywhere. Shapes come from the input tensors so every ONNX axis stays dynamic.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# Finite, not -inf: a fully masked row would give NaN with -inf; fp32 exp underflows to exactly 0 either way.
MASK_VALUE = -1e9


def _split(x: torch.Tensor, heads: int) -> torch.Tensor:
    b, n, d = x.shape
    return x.reshape(b, n, heads, d // heads).transpose(1, 2)          # [B, H, N, dh]


def attend(q, k, v, heads: int, scale: float, bias=None):
    """q [B,Nq,D], k/v [B,Nk,D], bias broadcastable to [B,H,Nq,Nk] (additive); scale = 1/√(D/heads), a Python
    float from the module so the ONNX graph carries it as a constant rather than a traced shape computation."""
    b, nq, d = q.shape
    if q.is_cuda and bias is None and hasattr(F, "scaled_dot_product_attention"):
        # Training on a GPU: the unmasked spacetime self-attention, the big one, goes to the fused (flash) kernel:
        # same maths, never materialises the scores. Masked attention (text padding) keeps the explicit form: with an
        # additive mask SDPA picks the memory-efficient kernel, whose backward is known to return sporadic NaN
        # gradients at large batch (pytorch/pytorch#119320, #178251): the likely source of the ~1-in-150 NaN steps
        # our bf16 batch-512 runs skipped (not yet confirmed on a GPU). Its scores are small ([B, H, N, words]).
        # Export and CPU runs always take the explicit form.
        out = F.scaled_dot_product_attention(_split(q, heads), _split(k, heads), _split(v, heads), scale=scale)
        return out.transpose(1, 2).reshape(b, nq, d)
    # Scale q, not the [Nq, Nk] scores: the same maths on a tensor N/dh times smaller.
    q = _split(q * scale, heads)
    k, v = _split(k, heads), _split(v, heads)
    scores = torch.matmul(q, k.transpose(-1, -2))
    if bias is not None:
        scores = scores + bias
    out = torch.matmul(scores.softmax(dim=-1), v)                       # [B, H, Nq, dh]
    return out.transpose(1, 2).reshape(b, nq, d)


def key_padding_bias(mask: torch.Tensor) -> torch.Tensor:
    """mask [B, L] (1 = keep, 0 = pad) → additive bias [B, 1, 1, L]."""
    return ((1.0 - mask) * MASK_VALUE)[:, None, None, :]


class SelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads, self.scale = heads, 1.0 / math.sqrt(dim // heads)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, bias=None):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        return self.proj(attend(q, k, v, self.heads, self.scale, bias))


class CrossAttention(nn.Module):
    def __init__(self, dim: int, context_dim: int, heads: int):
        super().__init__()
        self.heads, self.scale = heads, 1.0 / math.sqrt(dim // heads)
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(context_dim, 2 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, context, bias=None):
        k, v = self.kv(context).chunk(2, dim=-1)
        return self.proj(attend(self.q(x), k, v, self.heads, self.scale, bias))
