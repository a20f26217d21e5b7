"""Rectified flow with a timestep per latent frame (CONTRACTS §6, ARCHITECTURE "The model").

x_t = (1 − t)·x0 + t·ε, target v = ε − x0, t ~ logit-normal(0, 1). On a fraction of samples some frames are known:
they get t = 0 (so x_t = x0 there) and no loss; this one mechanism trains image-to-video / extend forward (head),
extend backward (tail) and interpolate / loop (head + tail).
"""
import torch

HEAD, TAIL, BOTH = 0, 1, 2


def logit_normal(n: int, generator=None, device="cpu", mean: float = 0.0, std: float = 1.0) -> torch.Tensor:
    return torch.sigmoid(torch.randn(n, generator=generator, device=device) * std + mean)


def shift_time(u: torch.Tensor, shift: float) -> torch.Tensor:
    """The sampler's time warp t = s·u / (1 + (s − 1)·u) (engine/pipeline/scheduler.ts): shift > 1 moves mass to high t."""
    return shift * u / (1.0 + (shift - 1.0) * u)


def train_times(n: int, generator=None, uniform_frac: float = 0.0, shift: float = 1.0) -> torch.Tensor:
    """Training t per sample: logit-normal(0, 1), except a `uniform_frac` share drawn as the sampler walks the grid
    (u uniform, then the same shift). Logit-normal alone almost never draws t > 0.95 (0.2 %), yet the sampler's first
    steps are all up there, and that is where a clip's background, colours and layout are decided from the caption."""
    t = logit_normal(n, generator)
    if uniform_frac > 0:
        u = torch.rand(n, generator=generator)
        pick = torch.rand(n, generator=generator) < uniform_frac
        t = torch.where(pick, shift_time(u, shift), t)
    return t


def _k(rng: torch.Generator, max_k: int) -> int:
    """k = 1 half the time (a single image is the commonest condition), else uniform in 2..max_k."""
    if max_k <= 1 or torch.rand(1, generator=rng).item() < 0.5:
        return 1
    return int(torch.randint(2, max_k + 1, (1,), generator=rng).item())


def known_frames(batch: int, frames: int, rng: torch.Generator, p_cond: float = 0.4, max_k: int = 6,
                 kinds=(0.5, 0.25, 0.25)) -> torch.Tensor:
    """bool [B, F], True = known frame. `kinds` = probabilities of head / tail / head+tail among conditioned samples.
    At least one frame always stays unknown."""
    known = torch.zeros(batch, frames, dtype=torch.bool)
    if frames < 2:
        return known
    kinds_t = torch.tensor(kinds, dtype=torch.float64)
    for b in range(batch):
        if torch.rand(1, generator=rng).item() >= p_cond:
            continue
        kind = int(torch.multinomial(kinds_t, 1, generator=rng).item())
        if kind == BOTH and frames >= 3:
            cap = min(max_k, (frames - 1) // 2)
            h, t = _k(rng, cap), _k(rng, cap)
            known[b, :h] = True
            known[b, frames - t:] = True
        else:
            k = _k(rng, min(max_k, frames - 1))
            if kind == TAIL:
                known[b, frames - k:] = True
            else:
                known[b, :k] = True
    return known


def noisy_inputs(x0: torch.Tensor, t: torch.Tensor, known: torch.Tensor, generator=None):
    """x0 [B,F,S,P], t [B], known [B,F] → (x_t, per-frame t [B,F], target v, loss weight [B,F])."""
    tf = torch.where(known, torch.zeros_like(t)[:, None], t[:, None].expand_as(known.float()))
    eps = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
    tb = tf[:, :, None, None]
    x_t = (1.0 - tb) * x0 + tb * eps
    x_t = torch.where(known[:, :, None, None], x0, x_t)   # exact clean frames, no rounding from (1−0)·x0 + 0·ε
    return x_t, tf, eps - x0, (~known).float()


def flow_loss(v_pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Mean squared error over unknown frames only (weight [B,F] is 1 on unknown frames)."""
    per_frame = ((v_pred - target) ** 2).mean(dim=(2, 3))            # [B, F]
    return (per_frame * weight).sum() / weight.sum().clamp(min=1.0)
