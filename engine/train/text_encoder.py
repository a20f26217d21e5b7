"""Small word-level text encoder, trained jointly with the DiT (ARCHITECTURE "The model").

input_ids int64 [B, L] (0 = pad) → hidden_states [B, L, Dt] and pooled [B, Dt] (masked mean over words).
"""
import torch
import torch.nn as nn

from attention import SelfAttention, key_padding_bias
from tokenizer import MAX_LENGTH, PAD_ID


class PreLNLayer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.n1, self.attn = nn.LayerNorm(dim), SelfAttention(dim, heads)
        self.n2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, bias):
        x = x + self.attn(self.n1(x), bias)
        return x + self.mlp(self.n2(x))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 128, heads: int = 4, layers: int = 2, max_length: int = MAX_LENGTH):
        super().__init__()
        self.vocab_size, self.dim, self.max_length = vocab_size, dim, max_length
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.zeros(max_length, dim))
        self.layers = nn.ModuleList([PreLNLayer(dim, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, input_ids):
        mask = (input_ids != PAD_ID).float()                               # [B, L]
        # Ids outside the vocabulary (an older vocab.json) must not crash a Gather: treat them as <unk> = 1.
        ids = torch.where(input_ids < self.vocab_size, input_ids, torch.ones_like(input_ids))
        x = self.tok(ids) + self.pos[: input_ids.shape[1]]
        bias = key_padding_bias(mask)
        for layer in self.layers:
            x = layer(x, bias)
        h = self.norm(x)
        m = mask.unsqueeze(-1)
        pooled = (h * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        return h, pooled

