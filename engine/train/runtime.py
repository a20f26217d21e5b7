"""Device, threads and learning-rate schedule shared by the training scripts."""
import ctypes
import ctypes.util
import math
import os
import sys

import torch

# glibc mallopt parameters (malloc.h)
M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4


def keep_freed_memory() -> bool:
    """Makes glibc malloc keep freed memory in the process instead of handing it back to the kernel.

    By default every tensor over the (dynamic, ≤ 32 MB) mmap threshold is its own mmap, and the heap is trimmed
    once its free top passes twice that, so each training step gave back its activations and page-faulted them in
    again on the next. On these VMs a first touch of a page is slow: a DiT forward + backward at batch 16 made
    35,000-50,000 page faults and took 2.1-3.1 s; with mmap off and no trimming, 0.85 s (measured in the same
    minute, `/usr/bin/time -v` for the fault counts). The process then keeps its peak memory, which a training
    process reaches every step anyway.
    No effect (False) off glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_MAX, 0)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 2 ** 31 - 1))
    except (OSError, AttributeError):
        return False


def setup(threads: int, seed: int) -> torch.device:
    """CUDA when present; on CPU a fixed intra-op thread count (1 beat 2 for this DiT on a 2-core box: measured)
    and a malloc that keeps what it frees (keep_freed_memory)."""
    keep_freed_memory()
    torch.set_num_threads(max(1, threads))
    torch.manual_seed(seed)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def default_threads() -> int:
    return int(os.environ.get("TRAIN_THREADS", "0")) or (os.cpu_count() or 1)


def lr_at(step: int, total: int, base: float, warmup: int, floor: float = 0.05, schedule: str = "cosine") -> float:
    """Linear warmup, then cosine down to floor·base at `total` (and held there if training runs longer), or with
    schedule "constant" base from then on (a run that can go on across sessions; each export takes a cool-down
    branch, cooldown_lr, so exporting never spends the run)."""
    if step < warmup:
        return base * (step + 1) / warmup
    if schedule == "constant":
        return base
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p)))


def set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    """Every group gets lr, times the group's own "lr_scale" where it has one."""
    for g in opt.param_groups:
        g["lr"] = lr * g.get("lr_scale", 1.0)


def cooldown_lr(step: int, start: int, length: int, base: float) -> float:
    """A cool-down branch: from base at `start` linearly to 0 at start + length."""
    return base * max(0.0, 1.0 - (step - start) / max(1, length))
