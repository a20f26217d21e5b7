"""The DiT's layout input (CONTRACTS §8) from object tracks, as engine/synth/layout.ts builds it.

The tracks come from the renderer (engine/synth/layout-cli.ts writes them beside the latents: x, y, r per clip, frame
and object, and each object's colour/shape/size indices); this file only turns them into per-token coverage times the
attributes, vectorised over a batch. test/train/test_layout.py holds the result equal to the TypeScript tensors.
"""
import json
import os

import numpy as np
import torch

from silhouette import silhouettes


class LayoutSpec:
    """The layout's constants, read from the header layout-cli.ts writes (so Python never re-lists colours)."""

    def __init__(self, header: dict):
        self.channels = list(header["channels"])
        self.token_px = int(header["token_px"])
        self.samples = int(header["samples"])
        self.clip_frames = int(header["clip_frames"])
        self.max_objects = int(header["max_objects"])
        ch = self.channels
        self.n_colors = sum(c.startswith("color:") for c in ch)
        self.n_shapes = sum(c.startswith("shape:") for c in ch)
        self.n_sizes = sum(c.startswith("size:") for c in ch)
        # The silhouette channels (silhouette.py) follow the disc ones, one per point of a token's grid, or none
        # (the first layout design's packs and states).
        self.n_silhouette = sum(c.startswith("silhouette:") for c in ch)
        self.n_disc = 4 + self.n_colors + self.n_shapes + self.n_sizes
        if (ch[:4] != ["layout", "occupied", "offset_x", "offset_y"] or self.n_disc + self.n_silhouette != len(ch)
                or self.n_silhouette not in (0, self.samples ** 2)
                or ch[self.n_disc:] != [f"silhouette:{i}" for i in range(self.n_silhouette)]):
            raise ValueError(f"unexpected layout channels {ch}")

    def narrowed(self, channels: list) -> "LayoutSpec":
        """The same layout with only its first channels (a disc-only state reading tracks that have silhouettes)."""
        if self.channels[:len(channels)] != list(channels):
            raise ValueError("a narrowed layout keeps a prefix of the channels")
        return LayoutSpec(dict(self.header(), channels=list(channels)))

    def header(self) -> dict:
        return {"channels": self.channels, "token_px": self.token_px, "samples": self.samples,
                "clip_frames": self.clip_frames, "max_objects": self.max_objects}


def build_layout(spec: LayoutSpec, tracks: torch.Tensor, attrs: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """tracks f32 [B, F, O, 4] (x, y normalized; r a fraction of the short side; angle, radians clockwise — [..., 3]
    tracks from before the angle count as unturned), attrs long [B, O, 3] (−1 where a clip has no such object) →
    layout f32 [B, F, S, C], S row-major over the (height/token_px) × (width/token_px) token grid."""
    b, f, o, _ = tracks.shape
    tp, k = spec.token_px, spec.samples
    rows, cols = height // tp, width // tp
    step = tp / k
    dev = tracks.device
    sub = (torch.arange(k, dtype=torch.float32, device=dev) + 0.5) * step
    ys = (torch.arange(rows, dtype=torch.float32, device=dev)[:, None] * tp + sub[None, :]).reshape(-1)   # rows·k
    xs = (torch.arange(cols, dtype=torch.float32, device=dev)[:, None] * tp + sub[None, :]).reshape(-1)   # cols·k
    cx = tracks[..., 0] * width                                                      # [B,F,O]
    cy = tracks[..., 1] * height
    r = tracks[..., 2] * min(width, height)
    present = (attrs[:, :, 0] >= 0).float()[:, None, :]                              # [B,1,O]
    dy = ys[None, None, None, :] - cy[..., None]                                     # [B,F,O,rows·k]
    dx = xs[None, None, None, :] - cx[..., None]                                     # [B,F,O,cols·k]
    d = torch.sqrt(dy[..., :, None] ** 2 + dx[..., None, :] ** 2)                    # [B,F,O,rows·k,cols·k]
    soft = ((r[..., None, None] - d) / step + 0.5).clamp(0.0, 1.0)
    cov = soft.reshape(b, f, o, rows, k, cols, k).mean(dim=(4, 6)) * present[..., None, None]   # [B,F,O,rows,cols]
    cov = cov.reshape(b, f, o, rows * cols)
    ty = torch.arange(rows, dtype=torch.float32, device=dev).repeat_interleave(cols)   # [S]
    tx = torch.arange(cols, dtype=torch.float32, device=dev).repeat(rows)
    off_x = cx[..., None] / tp - (tx + 0.5)                                          # [B,F,O,S]
    off_y = cy[..., None] / tp - (ty + 0.5)
    onehot = torch.cat([
        torch.nn.functional.one_hot(attrs[..., 0].clamp(min=0), spec.n_colors),
        torch.nn.functional.one_hot(attrs[..., 1].clamp(min=0), spec.n_shapes),
        torch.nn.functional.one_hot(attrs[..., 2].clamp(min=0), spec.n_sizes),
    ], dim=-1).float()                                                               # [B,O,A]
    attr = torch.einsum("bfos,boa->bfsa", cov, onehot)
    head = torch.stack([torch.ones_like(cov[:, :, 0]), cov.sum(dim=2), (cov * off_x).sum(dim=2),
                        (cov * off_y).sum(dim=2)], dim=-1)                           # [B,F,S,4]
    parts = [head, attr]
    if spec.n_silhouette:
        turned = tracks if tracks.shape[-1] == 4 else torch.cat([tracks, torch.zeros_like(tracks[..., :1])], dim=-1)
        parts.append(silhouettes(turned, attrs[..., 1], width, height, tp, k))
    return torch.cat(parts, dim=-1)


class ClipTracks:
    """One split/aspect's tracks and attributes (layout-cli.ts's files), on the training device."""

    def __init__(self, directory: str, aspect: str, device="cpu"):
        with open(os.path.join(directory, aspect + ".layout.json")) as f:
            header = json.load(f)
        self.spec = LayoutSpec(header)
        self.width, self.height, frames = header["width"], header["height"], header["frames"]
        o = self.spec.max_objects
        raw = np.fromfile(os.path.join(directory, aspect + ".layout.f32"), dtype="<f4")
        values = len(header.get("point", ["x", "y", "r"]))    # files from before the angle have 3 values a point
        self.tracks = torch.from_numpy(raw.reshape(-1, frames, o, values).copy()).to(device)
        attrs = np.full((len(header["attrs"]), o, 3), -1, np.int64)
        for i, objs in enumerate(header["attrs"]):
            if objs:
                attrs[i, :len(objs)] = objs
        self.attrs = torch.from_numpy(attrs).to(device)
        if len(self.attrs) != len(self.tracks):
            raise ValueError(f"{directory}/{aspect}: {len(self.attrs)} clips' attributes, {len(self.tracks)} tracks")

    def layout(self, idx: torch.Tensor, window: torch.Tensor = None) -> torch.Tensor:
        """The layout of clips idx [B], on frames window [B, F'] (default all) → [B, F', S, C]."""
        tr = self.tracks[idx]
        if window is not None:
            tr = tr[torch.arange(len(idx), device=tr.device)[:, None], window]
        return build_layout(self.spec, tr, self.attrs[idx], self.width, self.height)


def load_tracks(root: str, split: str, aspects, device="cpu"):
    """{aspect: ClipTracks} for the aspects that have layout files, or None when none has (tracks not written yet)."""
    d = os.path.join(root, split)
    out = {a: ClipTracks(d, a, device) for a in aspects if os.path.exists(os.path.join(d, a + ".layout.json"))}
    if out and len(out) != len(list(aspects)):
        raise SystemExit(f"{d}: layout tracks for {sorted(out)} only; run engine/synth/layout-cli.ts again")
    return out or None
