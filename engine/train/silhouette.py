"""The layout's `silhouette:<i>` channels, as engine/synth/silhouette.ts builds them: each object's true outline
(the renderer's SDFs of engine/synth/shapes.ts, turned and scaled by its track) at every point of each token's
SAMPLES × SAMPLES grid, the union over objects. Why they exist: silhouette.ts's header. The SDFs are line-for-line
ports of shapes.ts; test/train/test_layout.py holds the result equal to the TypeScript tensors."""
import math

import torch

SQRT3 = math.sqrt(3.0)
SHAPES = ("circle", "square", "triangle", "star", "heart", "ring")   # engine/synth/types.ts SHAPES, in order


def _sign(v):
    return torch.sign(v)


def circle(x, y):
    return torch.sqrt(x * x + y * y) - 1


def square(x, y):
    dx, dy = x.abs() - 0.8, y.abs() - 0.8
    ox, oy = dx.clamp(min=0), dy.clamp(min=0)
    return torch.sqrt(ox * ox + oy * oy) + torch.minimum(torch.maximum(dx, dy), torch.zeros_like(dx))


def triangle(x, y):
    r = (1.08 * SQRT3) / 2
    px = x.abs() - r
    py = y + 0.12 + r / SQRT3
    fold = (px + SQRT3 * py) > 0
    nx = (px - SQRT3 * py) / 2
    ny = (-SQRT3 * px - py) / 2
    px, py = torch.where(fold, nx, px), torch.where(fold, ny, py)
    px = px - px.clamp(min=-2 * r, max=0)
    return -torch.sqrt(px * px + py * py) * _sign(py)


K1X, K1Y = 0.809016994375, -0.587785252292
STAR_R, STAR_RF = 1.05, 0.45


def star(x, y):
    px, py = x.abs(), y
    d = (K1X * px + K1Y * py).clamp(min=0)
    px, py = px - 2 * d * K1X, py - 2 * d * K1Y
    d = (-K1X * px + K1Y * py).clamp(min=0)
    px, py = px - 2 * d * -K1X, py - 2 * d * K1Y
    px = px.abs()
    py = py - STAR_R
    bax, bay = STAR_RF * -K1Y, STAR_RF * K1X - 1
    h = ((px * bax + py * bay) / (bax * bax + bay * bay)).clamp(min=0, max=STAR_R)
    return torch.sqrt((px - bax * h) ** 2 + (py - bay * h) ** 2) * _sign(py * bax - px * bay)


def heart(x, y):
    px = x.abs() * 0.6
    py = y * 0.6 + 0.55
    lobe = torch.sqrt((px - 0.25) ** 2 + (py - 0.75) ** 2) - math.sqrt(2) / 4
    m = 0.5 * (px + py).clamp(min=0)
    tip = torch.sqrt(torch.minimum(px * px + (py - 1) ** 2, (px - m) ** 2 + (py - m) ** 2)) * _sign(px - py)
    return torch.where(py + px > 1, lobe, tip) / 0.6


def ring(x, y):
    return (torch.sqrt(x * x + y * y) - 0.81).abs() - 0.19


SDFS = (circle, square, triangle, star, heart, ring)


def silhouettes(tracks: torch.Tensor, shapes: torch.Tensor, width: int, height: int, token_px: int,
                samples: int) -> torch.Tensor:
    """tracks f32 [B, F, O, 4] (x, y normalized; r a fraction of the short side; angle, radians clockwise), shapes
    long [B, O] (−1: no object) → [B, F, S, samples²], S row-major over the token grid, each token's points
    row-major inside it."""
    b, f, o, _ = tracks.shape
    rows, cols = height // token_px, width // token_px
    step = token_px / samples
    dev = tracks.device
    ys = (torch.arange(rows * samples, dtype=torch.float32, device=dev) + 0.5) * step          # [Y]
    xs = (torch.arange(cols * samples, dtype=torch.float32, device=dev) + 0.5) * step          # [X]
    r = tracks[..., 2] * min(width, height)                                                  # [B,F,O] px
    inv = 1.0 / r.clamp(min=1e-6)
    dy = (ys[None, None, None, :] - (tracks[..., 1] * height)[..., None]) * inv[..., None]    # [B,F,O,Y]
    dx = (xs[None, None, None, :] - (tracks[..., 0] * width)[..., None]) * inv[..., None]     # [B,F,O,X]
    cos, sin = torch.cos(tracks[..., 3])[..., None, None], torch.sin(tracks[..., 3])[..., None, None]
    lx = dx[..., None, :] * cos + dy[..., :, None] * sin                                     # [B,F,O,Y,X]
    ly = -dx[..., None, :] * sin + dy[..., :, None] * cos
    dist = torch.zeros_like(lx)
    kind = shapes.clamp(min=0)[:, None, :, None, None].expand_as(lx)
    for k, sdf in enumerate(SDFS):      # every shape's SDF everywhere, kept where the object is that shape
        dist = torch.where(kind == k, sdf(lx, -ly), dist)
    soft = (0.5 - dist * r[..., None, None] / step).clamp(0.0, 1.0)
    drawn = ((shapes >= 0)[:, None, :] & (r > 0.05)).float()[..., None, None]               # [B,F,O,1,1]
    union = (soft * drawn).amax(dim=2)                                                       # [B,F,Y,X]
    tiles = union.reshape(b, f, rows, samples, cols, samples).permute(0, 1, 2, 4, 3, 5)     # [B,F,rows,cols,sy,sx]
    return tiles.reshape(b, f, rows * cols, samples * samples)
