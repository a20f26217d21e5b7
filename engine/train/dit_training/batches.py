"""One training batch: its aspect and frame count, its per-process size, and its contents on the training device.

One aspect per batch, drawn in proportion to its clip count. --batch is the 1:1 batch; other aspects get the same
number of tokens (16:9 has 28 patches a frame against 16), so every step costs about the same.
"""
import numpy as np
import torch

from flow import known_frames, motion_emphasis, noisy_inputs, train_times
from patches import patchify, sincos_pos

_POS = {}


def pos_table(frames, rows, cols, dim, device):
    """The sin-cos position table of a grid, built once per grid and device."""
    key = (frames, rows, cols, dim, str(device))
    if key not in _POS:
        _POS[key] = sincos_pos(frames, rows, cols, dim).to(device)
    return _POS[key]


def batch_plan(data, a, world):
    """→ (aspects in drawing order, their probabilities, per-process batch size by aspect, clip counts)."""
    aspects = sorted(data)
    counts = np.array([len(data[k]) for k in aspects], np.float64)
    p_aspect = counts / counts.sum()
    tokens_per_frame = {k: (data[k].grid[1] // 2) * (data[k].grid[2] // 2) for k in aspects}
    ref_tokens = tokens_per_frame.get("1x1", min(tokens_per_frame.values()))
    bsz = {k: a.batch if a.no_equal_tokens else max(1, round(a.batch * ref_tokens / tokens_per_frame[k]))
           for k in aspects}
    bsz = {k: max(1, b // world) for k, b in bsz.items()}        # per process
    return aspects, p_aspect, bsz, counts


def batch_shape(data, aspects, p_aspect, rng, a):
    """The step's aspect and frame count. Drawn from a generator every data-parallel process seeds alike, so all
    of them run the same shape each step: none waits at the gradient exchange for one with more tokens."""
    aspect = aspects[int(rng.choice(len(aspects), p=p_aspect))]
    F = data[aspect].grid[0]
    return aspect, int(rng.integers(a.min_frames, F)) if rng.random() < a.short_prob else F


def dropped_captions(ids):
    """Rows whose caption was dropped for CFG (only <bos> left)."""
    return (ids != 0).sum(dim=1) <= 1


def batch_layout(tracks, idx, window, ids, layout_gen, drop):
    """The clips' layouts (layout.py), zero where the caption was dropped (CFG's unconditional branch has neither)
    and on a further `drop` share of samples, drawn from `layout_gen` (a generator of its own, so turning the
    layout on leaves the data stream of a run without it unchanged)."""
    lay = tracks.layout(idx, window)
    off = dropped_captions(ids) | (torch.rand(len(idx), generator=layout_gen, device=lay.device) < drop)
    return lay * (~off).float()[:, None, None, None]


def step_batch(data, aspect, frames, n, gen, device, a, dim, tracks=None, layout_gen=None):
    """Draws one training batch on the training device → model inputs + target + loss weight + element emphasis
    (None unless --motion-weight) + the clips' indices (for their scene labels) + the layout (None without one)."""
    ds = data[aspect]
    idx = ds.draw(n, gen)
    z, ids, window = ds.batch(idx, gen, frames, a.p_uncond, with_window=True)
    x0 = patchify(z)                                                   # [B,F,S,P]
    f, h, w = z.shape[1], z.shape[3], z.shape[4]
    t = train_times(n, gen, a.t_uniform, a.t_shift)
    known = known_frames(n, f, gen, a.p_cond, a.max_known)
    x_t, tf, target, weight = noisy_inputs(x0, t, known, gen)
    emphasis = None
    if a.motion_weight > 0:
        c = z.shape[2]
        emphasis = patchify(motion_emphasis(z, a.motion_weight).expand(-1, -1, c, -1, -1))
    layout = batch_layout(tracks[aspect], idx, window, ids, layout_gen, a.layout_drop) if tracks else None
    return x_t, tf, pos_table(f, h // 2, w // 2, dim, device), ids, target, weight, emphasis, idx, layout
