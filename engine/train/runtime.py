"""Device, threads and learning-rate schedule shared by the training scripts."""
import math
import os

import torch


def setup(threads: int, seed: int) -> torch.device:
    """CUDA when present; on CPU a fixed intra-op thread count (1 beat 2 for this DiT on a 2-core box: measured)."""
    torch.set_num_threads(max(1, threads))
    torch.manual_seed(seed)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def default_threads() -> int:
    return int(os.environ.get("TRAIN_THREADS", "0")) or (os.cpu_count() or 1)


def lr_at(step: int, total: int, base: float, warmup: int, floor: float = 0.05) -> float:
    """Linear warmup, then cosine down to floor·base at `total` (and held there if training runs longer)."""
    if step < warmup:
        return base * (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p)))


def set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    for g in opt.param_groups:
        g["lr"] = lr
