"""Scene labels for the text encoder's auxiliary objective (train_dit.py --caption-aux).

Why: at DiT step 23000 the text encoder's pooled state for "a red ball moves left" and "... moves right" had cosine
0.9998 (colour: 0.93), and the DiT drew the same trajectory for left, right and up from one seed. The flow loss gives
the encoder almost no gradient to tell directions or shapes apart until the DiT can already draw them, so neither
learns. A small head on the pooled caption state that must name the scene (multi-label: colours, shapes, motions with
their direction, colour+motion and colour+shape pairs, object count) forces those words apart — and word order with
them ("from left to right" moves right). The head is training-only; the pack's text encoder keeps its interface.
"""
from typing import Dict, List

import numpy as np
import torch
import torch.nn as nn


def motion_label(obj: dict) -> str:
    """The object's motion with its direction: diagonals carry their corner ("diagonal:up-left")."""
    m = obj["motion"]
    return f"diagonal:{obj.get('diagonal', '?')}" if m == "diagonal" else m


# engine/synth/motion.ts TRANSLATIONS, which Python cannot import (a unit test keeps the two equal).
TRANSLATIONS = ("left", "right", "up", "down", "diagonal")


def translates(scene: dict) -> bool:
    """Does any object travel in a direction (the motions whose direction the eval scores)?"""
    return any(o["motion"] in TRANSLATIONS for o in scene["objects"])


def scene_labels(scene: dict) -> List[str]:
    out = {f"count:{len(scene['objects'])}"}
    for o in scene["objects"]:
        m = motion_label(o)
        out |= {f"colour:{o['color']}", f"shape:{o['shape']}", f"motion:{m}",
                f"colour+motion:{o['color']}+{m}", f"colour+shape:{o['color']}+{o['shape']}"}
    return sorted(out)


def label_names(scene_lists) -> List[str]:
    """Every label the training scenes produce, sorted: stored in the checkpoint so a resumed run keeps its head."""
    names = set()
    for scenes in scene_lists:
        for s in scenes:
            names.update(scene_labels(s))
    return sorted(names)


def multi_hot(scenes, names: List[str]) -> np.ndarray:
    """float32 [N, len(names)]; labels outside `names` (a scene kind the run never saw) are left out."""
    index: Dict[str, int] = {n: i for i, n in enumerate(names)}
    out = np.zeros((len(scenes), len(names)), np.float32)
    for i, s in enumerate(scenes):
        for lab in scene_labels(s):
            j = index.get(lab)
            if j is not None:
                out[i, j] = 1.0
    return out


class CaptionHead(nn.Module):
    """pooled caption state [B, D] → label logits [B, L]. Two layers: pair labels are conjunctions, which one linear
    map from a mean-pooled state cannot read."""

    def __init__(self, dim: int, n_labels: int, hidden: int = 256):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, n_labels))

    def forward(self, pooled):
        return self.net(pooled)


def caption_loss(logits: torch.Tensor, labels: torch.Tensor, captioned: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy over labels, over the captioned samples only (CFG-dropped captions say nothing)."""
    per = nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction="none").mean(dim=1)
    w = captioned.float()
    return (per * w).sum() / w.sum().clamp(min=1.0)
