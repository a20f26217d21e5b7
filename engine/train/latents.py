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
    def __init__(self, directory: str, aspect: str, vocab, mean, std):
        self.aspect = aspect
        self.z = np.load(os.path.join(directory, aspect + ".npy"))                   # f16 [N,F,C,h,w]
        with open(os.path.join(directory, aspect + ".json")) as f:
            meta = json.load(f)
        self.captions = meta["captions"]
        self.scenes = meta.get("scenes")
        n = len(self.captions)
        kmax = max(len(c) for c in self.captions)
        self.ids = np.zeros((n, kmax, MAX_LENGTH), np.int32)
        self.ncap = np.array([len(c) for c in self.captions], np.int64)
        for i, caps in enumerate(self.captions):
            for j, c in enumerate(caps):
                t = encode(c, vocab)
                self.ids[i, j, :len(t)] = t
        self.mean = np.asarray(mean, np.float32)[None, None, :, None, None]
        self.std = np.asarray(std, np.float32)[None, None, :, None, None]

    def __len__(self):
        return self.z.shape[0]

    @property
    def grid(self):
        """(frames, h, w) of the latents."""
        return self.z.shape[1], self.z.shape[3], self.z.shape[4]

    def batch(self, idx: np.ndarray, rng: np.random.Generator, frames: int = None, p_uncond: float = 0.1):
        """→ normalized latents f32 [B,F,C,h,w], input_ids int64 [B,L] (L = longest in batch).

        frames < F takes a random window of that length (the pipeline may ask for shorter clips)."""
        z = self.z[idx]
        F = z.shape[1]
        if frames is not None and frames < F:
            start = rng.integers(0, F - frames + 1, size=len(idx))
            z = np.stack([z[b, s:s + frames] for b, s in enumerate(start)])
        z = (z.astype(np.float32) - self.mean) / self.std
        pick = (rng.random(len(idx)) * self.ncap[idx]).astype(np.int64)
        ids = self.ids[idx, pick].astype(np.int64)
        drop = rng.random(len(idx)) < p_uncond                  # CFG: the empty caption [2]
        ids[drop] = 0
        ids[drop, 0] = BOS_ID
        length = max(1, int((ids != 0).sum(axis=1).max()))
        return torch.from_numpy(z), torch.from_numpy(np.ascontiguousarray(ids[:, :length]))


def load_split(root: str, split: str, vocab, mean, std):
    d = os.path.join(root, split)
    if not os.path.isdir(d):
        return {}
    out = {}
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".npy") and not fn.endswith(".tmp.npy"):
            aspect = fn[:-4]
            out[aspect] = AspectLatents(d, aspect, vocab, mean, std)
    return out


def train_captions(root: str):
    """All training-split captions (the vocabulary's only source, CONTRACTS §3)."""
    d = os.path.join(root, "train")
    caps = []
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".json"):
            with open(os.path.join(d, fn)) as f:
                caps += [c for cs in json.load(f)["captions"] for c in cs]
    return caps
