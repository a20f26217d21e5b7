"""Patchify / unpatchify and the sin-cos 3-D position table, exactly as CONTRACTS §4 and the TypeScript side."""
import torch


def patchify(z: torch.Tensor) -> torch.Tensor:
    """[B, F, C, h, w] → [B, F, S, 4C] with s = py·(w/2) + px and p = c·4 + dy·2 + dx."""
    B, F, C, h, w = z.shape
    z = z.reshape(B, F, C, h // 2, 2, w // 2, 2)            # b f c py dy px dx
    z = z.permute(0, 1, 3, 5, 2, 4, 6)                      # b f py px c dy dx
    return z.reshape(B, F, (h // 2) * (w // 2), C * 4)


def unpatchify(tokens: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Exact inverse of patchify: [B, F, S, 4C] → [B, F, C, h, w]."""
    B, F, S, P = tokens.shape
    C = P // 4
    z = tokens.reshape(B, F, h // 2, w // 2, C, 2, 2)       # b f py px c dy dx
    z = z.permute(0, 1, 4, 2, 5, 3, 6)                      # b f c py dy px dx
    return z.reshape(B, F, C, h, w)


def sincos_pos(frames: int, rows: int, cols: int, dim: int, theta: float = 10000.0) -> torch.Tensor:
    """[F, S, D]: blocks sin(fω), cos(fω), sin(yω), cos(yω), sin(xω), cos(xω), each n = floor(D/6) wide, zero-padded.

    Computed in float64 then cast so that Python and TypeScript (which uses doubles) agree to the last bit of f32.
    """
    n = dim // 6
    k = torch.arange(n, dtype=torch.float64)
    omega = theta ** (-k / n) if n > 0 else k
    f = torch.arange(frames, dtype=torch.float64)
    y = torch.arange(rows, dtype=torch.float64)
    x = torch.arange(cols, dtype=torch.float64)
    ff, yy, xx = torch.meshgrid(f, y, x, indexing="ij")        # [F, rows, cols]
    ff, yy, xx = ff.reshape(frames, -1, 1), yy.reshape(frames, -1, 1), xx.reshape(frames, -1, 1)
    parts = [torch.sin(ff * omega), torch.cos(ff * omega), torch.sin(yy * omega), torch.cos(yy * omega),
             torch.sin(xx * omega), torch.cos(xx * omega)]
    pos = torch.cat(parts, dim=-1)
    pad = dim - pos.shape[-1]
    if pad > 0:
        pos = torch.cat([pos, torch.zeros(frames, rows * cols, pad, dtype=torch.float64)], dim=-1)
    return pos.float()

