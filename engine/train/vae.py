"""Per-frame 2-D convolutional VAE: spatial ÷8, no temporal compression (CONTRACTS §4).

Small on purpose: training and encoding run on 2 CPU cores. The encoder downsamples early (a 4×4 stride-4 conv) because
frames are flat-shaded procedural shapes; the decoder spends its compute at higher resolution, where edges are drawn.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT_CHANNELS = 8


def _norm(ch: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, ch // 4) if ch >= 8 else 1, ch)


class ResBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.n1, self.c1 = _norm(ch), nn.Conv2d(ch, ch, 3, padding=1)
        self.n2, self.c2 = _norm(ch), nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        h = self.c1(F.silu(self.n1(x)))
        h = self.c2(F.silu(self.n2(h)))
        return x + h


class Encoder(nn.Module):
    """[N,3,H,W] in [-1,1] → (mean, logvar) each [N,C,H/8,W/8]."""

    def __init__(self, c: int = LATENT_CHANNELS):
        super().__init__()
        self.stem = nn.Conv2d(3, 64, 4, stride=4)                 # H/4
        self.r1 = ResBlock(64)
        self.down = nn.Conv2d(64, 128, 4, stride=2, padding=1)    # H/8
        self.r2 = ResBlock(128)
        self.norm = _norm(128)
        self.out = nn.Conv2d(128, 2 * c, 1)
        self.c = c

    def forward(self, x):
        h = self.r1(self.stem(x))
        h = self.r2(self.down(h))
        h = self.out(F.silu(self.norm(h)))
        mean, logvar = h[:, :self.c], h[:, self.c:]
        return mean, logvar


class Up(nn.Module):
    """Nearest ×2 then 3×3 conv: avoids transposed-conv checkerboards on flat colours."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Decoder(nn.Module):
    """[N,C,h,w] → [N,3,8h,8w] ≈ [-1,1]. 128@h → 64@2h → 32@4h → 16@8h → 3."""

    def __init__(self, c: int = LATENT_CHANNELS):
        super().__init__()
        self.inp = nn.Conv2d(c, 128, 3, padding=1)
        self.r1 = ResBlock(128)
        self.u1 = Up(128, 64)
        self.r2 = ResBlock(64)
        self.u2 = Up(64, 32)
        self.r3 = ResBlock(32)
        self.u3 = Up(32, 16)
        self.norm = _norm(16)
        self.out = nn.Conv2d(16, 3, 3, padding=1)

    def forward(self, z):
        h = self.r1(self.inp(z))
        h = self.r2(self.u1(F.silu(h)))
        h = self.r3(self.u2(F.silu(h)))
        h = self.u3(F.silu(h))
        return self.out(F.silu(self.norm(h)))


class VAE(nn.Module):
    def __init__(self, c: int = LATENT_CHANNELS):
        super().__init__()
        self.encoder = Encoder(c)
        self.decoder = Decoder(c)
        self.latent_channels = c

    def forward(self, x, sample: bool = True):
        mean, logvar = self.encoder(x)
        logvar = logvar.clamp(-30.0, 20.0)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar) if sample else mean
        return self.decoder(z), mean, logvar


def detail_map(x, k: int = 9):
    """[N,3,H,W] → [N,1,H,W] in [0,1]: how far each pixel is from its k×k neighbourhood mean (shapes and edges)."""
    blur = F.avg_pool2d(x, k, stride=1, padding=k // 2, count_include_pad=False)
    return ((x - blur).abs().mean(dim=1, keepdim=True) * 4.0).clamp(max=1.0)


def detail_weight(x, strength: float, k: int = 9):
    """Per-pixel weight 1 + strength·(local detail), detail = |x − k×k local mean| scaled to [0, 1].

    Objects of 10–20 px cover a few % of a frame, so a plain mean loss is dominated by smooth backgrounds and the
    autoencoder learns to smear small shapes away first. Skies and floors are smooth (detail ≈ 0, weight ≈ 1); shapes,
    their edges and the horizon get up to 1 + strength. Normalized so the weights average to 1 per frame."""
    w = 1.0 + strength * detail_map(x, k)
    return w / w.mean(dim=(2, 3), keepdim=True)


def vae_loss(x, recon, mean, logvar, kl_weight: float = 1e-6, detail: float = 0.0):
    """L1 + MSE on pixels (optionally detail-weighted), tiny KL: a near-deterministic autoencoder whose latents stay
    bounded."""
    w = detail_weight(x, detail) if detail > 0 else 1.0
    l1 = ((recon - x).abs() * w).mean()
    mse = (((recon - x) ** 2) * w).mean()
    kl = 0.5 * (mean ** 2 + logvar.exp() - 1.0 - logvar).sum(dim=(1, 2, 3)).mean()
    return l1 + mse + kl_weight * kl, {"l1": l1.item(), "mse": mse.item(), "kl": kl.item()}


class EncoderMean(nn.Module):
    """ONNX vae_encoder: the posterior mean only (CONTRACTS §5)."""

    def __init__(self, vae: VAE):
        super().__init__()
        self.encoder = vae.encoder

    def forward(self, frames):
        return self.encoder(frames)[0]
