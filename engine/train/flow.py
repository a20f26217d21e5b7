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


def _device(generator) -> torch.device:
    return generator.device if generator is not None else torch.device("cpu")


def train_times(n: int, generator=None, uniform_frac: float = 0.0, shift: float = 1.0) -> torch.Tensor:
    """Training t per sample: logit-normal(0, 1), except a `uniform_frac` share drawn as the sampler walks the grid
    (u uniform, then the same shift). Logit-normal alone almost never draws t > 0.95 (0.2 %), yet the sampler's first
    steps are all up there, and that is where a clip's background, colours and layout are decided from the caption.
    Drawn on the generator's device."""
    dev = _device(generator)
    t = logit_normal(n, generator, dev)
    if uniform_frac > 0:
        u = torch.rand(n, generator=generator, device=dev)
        pick = torch.rand(n, generator=generator, device=dev) < uniform_frac
        t = torch.where(pick, shift_time(u, shift), t)
    return t


def _k(n: int, cap: int, rng: torch.Generator) -> torch.Tensor:
    """k per sample: 1 half the time (a single image is the commonest condition), else uniform in 2..cap."""
    dev = _device(rng)
    if cap <= 1:
        return torch.ones(n, dtype=torch.long, device=dev)
    single = torch.rand(n, generator=rng, device=dev) < 0.5
    more = torch.randint(2, cap + 1, (n,), generator=rng, device=dev)
    return torch.where(single, torch.ones_like(more), more)


def known_frames(batch: int, frames: int, rng: torch.Generator, p_cond: float = 0.4, max_k: int = 6,
                 kinds=(0.5, 0.25, 0.25)) -> torch.Tensor:
    """bool [B, F], True = known frame. `kinds` = probabilities of head / tail / head+tail among conditioned samples.
    At least one frame always stays unknown. Vectorised over the batch (a per-sample loop cost more than the GPU step);
    drawn on the generator's device."""
    dev = _device(rng)
    if frames < 2:
        return torch.zeros(batch, frames, dtype=torch.bool, device=dev)
    cond = torch.rand(batch, generator=rng, device=dev) < p_cond
    kind = torch.multinomial(torch.tensor(kinds, dtype=torch.float, device=dev), batch, replacement=True,
                             generator=rng)
    both = (kind == BOTH) & (frames >= 3)
    cap_both = min(max_k, (frames - 1) // 2)
    h2, t2 = _k(batch, cap_both, rng), _k(batch, cap_both, rng)
    k1 = _k(batch, min(max_k, frames - 1), rng)
    tail = kind == TAIL
    head_len = torch.where(both, h2, torch.where(tail, torch.zeros_like(k1), k1))
    tail_len = torch.where(both, t2, torch.where(tail, k1, torch.zeros_like(k1)))
    f = torch.arange(frames, device=dev)[None, :]
    known = (f < head_len[:, None]) | (f >= frames - tail_len[:, None])
    return known & cond[:, None]


def noisy_inputs(x0: torch.Tensor, t: torch.Tensor, known: torch.Tensor, generator=None):
    """x0 [B,F,S,P], t [B], known [B,F] → (x_t, per-frame t [B,F], target v, loss weight [B,F])."""
    tf = torch.where(known, torch.zeros_like(t)[:, None], t[:, None].expand_as(known.float()))
    eps = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
    tb = tf[:, :, None, None]
    x_t = (1.0 - tb) * x0 + tb * eps
    x_t = torch.where(known[:, :, None, None], x0, x_t)   # exact clean frames, no rounding from (1−0)·x0 + 0·ε
    return x_t, tf, eps - x0, (~known).float()


def motion_emphasis(z: torch.Tensor, strength: float, scale: float = 0.5) -> torch.Tensor:
    """Per-latent-pixel loss weights that favour what moves: z [B,F,C,h,w] (normalized latents) → [B,F,1,h,w].

    A pixel's distance from its own median over the window's frames is ~0 on everything static (the renderer draws a
    still scene identically on every frame) and large where an object passes. Weight = 1 + strength·min(d/scale, 1).
    Why: objects cover a fifth of a moving clip's latent pixels at most, and the plain loss spends most of its gradient
    on backgrounds the model already draws right (99 %), while left/right/up/down stayed at chance for 18,000 steps."""
    med = z.median(dim=1, keepdim=True).values
    d = ((z - med) ** 2).mean(dim=2, keepdim=True).sqrt()
    return 1.0 + strength * (d / scale).clamp(max=1.0)


def flow_loss(v_pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor,
              emphasis: torch.Tensor = None) -> torch.Tensor:
    """Mean squared error over unknown frames only (weight [B,F] is 1 on unknown frames). `emphasis` [B,F,S,P]
    (optional) re-weights elements within each frame; each frame still counts as one."""
    err = (v_pred - target) ** 2
    if emphasis is None:
        per_frame = err.mean(dim=(2, 3))                              # [B, F]
    else:
        per_frame = (err * emphasis).sum(dim=(2, 3)) / emphasis.sum(dim=(2, 3))
    return (per_frame * weight).sum() / weight.sum().clamp(min=1.0)
