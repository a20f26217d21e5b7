"""The resumable training state in one small file: weights and EMA in fp32, Adam's moments in fp16, the step, the
learning-rate schedule and the data position (the batch generators' states).

Why: every restart from a shipped pack began with fresh Adam moments and lost ground (sessions 12-14: validation loss
rose while the lr was high and 5,000 CPU steps did not win it back). A state that carries the moments resumes where
the run stopped.

Adam's moments in fp16 would underflow (a second moment of 1e-10 is below fp16's range, and a zero there turns into a
step of lr/eps on resume), so each tensor is stored scaled by its largest magnitude, and the second moment as its
square root (which halves its dynamic range): what still underflows is far below Adam's eps.
"""
import numpy as np
import torch

MOMENT_KEYS = ("exp_avg", "exp_avg_sq")


def _pack(t: torch.Tensor, root: bool) -> dict:
    x = t.detach().float()
    if root:
        x = x.clamp(min=0).sqrt()
    scale = float(x.abs().max())
    q = (x / scale if scale > 0 else x).to(torch.float16)
    return {"q": q, "scale": scale, "root": root}


def _unpack(p: dict) -> torch.Tensor:
    x = p["q"].float() * (p["scale"] if p["scale"] > 0 else 1.0)
    return x * x if p["root"] else x


def pack_optimizer(sd: dict) -> dict:
    """torch.optim state_dict → the same with each moment as scaled fp16 (a marker says so)."""
    state = {}
    for k, s in sd["state"].items():
        state[k] = {n: (_pack(v, n == "exp_avg_sq") if n in MOMENT_KEYS else v) for n, v in s.items()}
    return {"state": state, "param_groups": sd["param_groups"], "compact": True}


def unpack_optimizer(sd: dict) -> dict:
    if not sd.get("compact"):
        return sd
    state = {k: {n: (_unpack(v) if n in MOMENT_KEYS else v) for n, v in s.items()} for k, s in sd["state"].items()}
    return {"state": state, "param_groups": sd["param_groups"]}


def generator_states(gens: dict, rng: np.random.Generator) -> dict:
    """Where the data stream is: every torch generator's state and the numpy generator's (batch shapes)."""
    return {"torch": {k: g.get_state() for k, g in gens.items()}, "numpy": rng.bit_generator.state}


def restore_generators(saved: dict, gens: dict, rng: np.random.Generator) -> list:
    """Puts the saved states back; → the names of generators the state had none for (they keep their seeds)."""
    missing = []
    for k, g in gens.items():
        if k in saved.get("torch", {}):
            g.set_state(saved["torch"][k])
        else:
            missing.append(k)
    if "numpy" in saved:
        rng.bit_generator.state = saved["numpy"]
    return missing
