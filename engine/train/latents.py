"""In-memory latent dataset for DiT training: every clip's latents and pre-tokenized captions, by aspect.

Everything the sampler touches is a numpy array, so drawing a batch is a few fancy-indexing copies, not a Python
loop over files. Captions are tokenized once; each draw picks one of the item's captions at random.
"""
import json
import os

import numpy as np
import torch

from tokenizer import BOS_ID, MAX_LENGTH, encode


class AspectLatents:
    def __init__(self, directory: str, aspect: str, vocab, mean, std, device="cpu"):
        self.aspect = aspect
        z = np.load(os.path.join(directory, aspect + ".npy"))                          # f16 [N,F,C,h,w]
        with open(os.path.join(directory, aspect + ".json")) as f:
            meta = json.load(f)
        self.captions = meta["captions"]
        self.scenes = meta.get("scenes")
        n = len(self.captions)
        kmax = max(len(c) for c in self.captions)
        ids = np.zeros((n, kmax, MAX_LENGTH), np.int32)   # int32 in memory; a batch widens its rows
        for i, caps in enumerate(self.captions):
            for j, c in enumerate(caps):
                t = encode(c, vocab)
                ids[i, j, :len(t)] = t
        # Everything a batch touches lives on the training device (a GPU holds the whole set easily), so drawing a
        # batch is a few indexing kernels there instead of host copies.
        self.z = torch.from_numpy(z).to(device)
        self.ids = torch.from_numpy(ids).to(device)
        self.ncap = torch.tensor([len(c) for c in self.captions], dtype=torch.long, device=device)
        self.mean = torch.tensor(mean, dtype=torch.float32, device=device)[None, None, :, None, None]
        self.std = torch.tensor(std, dtype=torch.float32, device=device)[None, None, :, None, None]
        self.draw_weights = None   # float [N] on the device: train_dit --translation-weight, --multi-object-weight

    def draw(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """n clip indices, uniform, or by `draw_weights` (one per clip) when the run set them."""
        if self.draw_weights is None:
            return torch.randint(0, len(self), (n,), generator=gen, device=self.z.device)
        return torch.multinomial(self.draw_weights, n, replacement=True, generator=gen)

    def __len__(self):
        return self.z.shape[0]

    @property
    def grid(self):
        """(frames, h, w) of the latents."""
        return self.z.shape[1], self.z.shape[3], self.z.shape[4]

    def batch(self, idx: torch.Tensor, gen: torch.Generator, frames: int = None, p_uncond: float = 0.1,
              with_window: bool = False):
        """idx long [B] on the data's device → normalized latents f32 [B,F,C,h,w], input_ids int64 [B,L] (L = longest
        in batch). frames < F takes a random window of that length (the pipeline may ask for shorter clips).
        with_window: also → the frames taken, long [B, frames] (None when the whole clip), for the clips' layouts."""
        dev = self.z.device
        b = len(idx)
        z = self.z[idx]
        F = z.shape[1]
        window = None
        if frames is not None and frames < F:
            start = torch.randint(0, F - frames + 1, (b,), generator=gen, device=dev)
            window = start[:, None] + torch.arange(frames, device=dev)[None, :]
            z = z[torch.arange(b, device=dev)[:, None], window]
        z = (z.float() - self.mean) / self.std
        pick = (torch.rand(b, generator=gen, device=dev) * self.ncap[idx]).long()
        ids = self.ids[idx, pick].long()
        drop = torch.rand(b, generator=gen, device=dev) < p_uncond       # CFG: the empty caption [2]
        ids[drop] = 0
        ids[drop, 0] = BOS_ID
        length = max(1, int((ids != 0).sum(dim=1).max()))
        if with_window:
            return z, ids[:, :length].contiguous(), window
        return z, ids[:, :length].contiguous()


def load_split(root: str, split: str, vocab, mean, std, device="cpu"):
    d = os.path.join(root, split)
    if not os.path.isdir(d):
        return {}
    out = {}
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".npy") and not fn.endswith(".tmp.npy"):
            aspect = fn[:-4]
            out[aspect] = AspectLatents(d, aspect, vocab, mean, std, device)
    return out


def train_captions(root: str):
    """All training-split captions (the vocabulary's only source, CONTRACTS §3)."""
    d = os.path.join(root, "train")
    caps = []
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".json") and not fn.endswith(".layout.json"):
            with open(os.path.join(d, fn)) as f:
                caps += [c for cs in json.load(f)["captions"] for c in cs]
    return caps
