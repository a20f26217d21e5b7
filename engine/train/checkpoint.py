"""Atomic checkpoints and resume: training here runs for hours on a CPU and may be stopped at any time."""
import os
import time

import torch


def save(path: str, state: dict) -> None:
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)       # a crash mid-write never leaves a truncated checkpoint behind


def read(path: str) -> dict:
    """A checkpoint of ours, onto the CPU. weights_only=False: it holds configs and vocabularies besides tensors, and
    current torch (2.6+) refuses those by default; these files are only ever our own."""
    return torch.load(path, map_location="cpu", weights_only=False)


def load(path: str):
    """read(), or None when there is no checkpoint yet (a fresh run)."""
    if not os.path.exists(path):
        return None
    return read(path)


class Every:
    """True once every `seconds` of wall time: checkpoint by time, not steps, since s/step varies by machine."""

    def __init__(self, seconds: float):
        self.seconds, self.last = seconds, time.time()

    def __call__(self) -> bool:
        if time.time() - self.last >= self.seconds:
            self.last = time.time()
            return True
        return False


class Log:
    """Append-only text log, flushed every line so `tail -f` shows progress."""

    def __init__(self, path: str):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.f = open(path, "a", buffering=1)

    def __call__(self, msg: str) -> None:
        line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
        print(line, flush=True)
        self.f.write(line + "\n")
