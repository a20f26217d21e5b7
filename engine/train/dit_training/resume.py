"""Where a DiT run starts: its state file (or a cool-down branch's), and what it restores from it — weights,
optimizer moments, step, the learning-rate restart, the data position."""
import os

import numpy as np
import torch

import checkpoint
from train_state import restore_generators, unpack_optimizer

from dit_training.joint import load_weights


def open_state(a):
    """→ (the state to start from or None, the checkpoint path this run writes, the folder for its log and snapshot).
    A cool-down branch starts from the state and never writes it, so the run goes on from where it was."""
    ckpt_path = a.state or os.path.join(a.out, "ckpt.pt")
    state = checkpoint.load(ckpt_path)
    if a.cooldown:
        if not state or not a.cooldown_out:
            raise SystemExit("--cooldown needs an existing training state (--state) and --cooldown-out")
        os.makedirs(a.cooldown_out, exist_ok=True)
        ckpt_path = os.path.join(a.cooldown_out, "ckpt.pt")
    log_dir = a.cooldown_out if a.cooldown else a.out
    return state, ckpt_path, log_dir


def restore_training(state, model, ema, opt, groups, log):
    """Loads the state's weights, and its optimizer when it fits this run's parameter groups. → (step, lr_restart):
    the step a fresh optimizer started at, from which the learning rate warms up again and its schedule runs."""
    if not state:
        return 0, 0
    load_weights(model, ema.model, state)
    step = state["step"]
    lr_restart = state.get("lr_restart", 0)
    saved_groups = state["opt"]["param_groups"] if "opt" in state else []
    if [len(g["params"]) for g in saved_groups] == [len(g["params"]) for g in opt.param_groups]:
        opt.load_state_dict(unpack_optimizer(state["opt"]))
        for g in opt.param_groups:      # the scales are this run's (a resumed run may change --layout-lr)
            g["lr_scale"] = next((x.get("lr_scale", 1.0) for x in groups if x["params"][0] is g["params"][0]), 1.0)
        log(f"resumed at step {step} with its optimizer state")
    else:   # recovered from a shipped pack (recover_pack.py), or parts added or removed: fresh Adam
        lr_restart = step
        log(f"resumed at step {step} from {state.get('recovered_from', 'weights only')}, fresh optimizer")
    return step, lr_restart


def data_generators(a, step, rank, world, device, state, log):
    """→ (torch generators by name, numpy generator for batch shapes), seeded from --seed and the step; a state of
    the same seed puts them back where its run stopped, so a resumed run draws the batches an unbroken one would."""
    gen = torch.Generator(device=device).manual_seed(a.seed * 1000003 + step + 7919 * rank)
    rng = np.random.default_rng(a.seed * 1000003 + step)           # the same on every process: batch_shape
    layout_gen = torch.Generator(device=device).manual_seed(a.seed * 1000003 + step + 104729 + 7919 * rank)
    gens = {"batch": gen, "layout": layout_gen}
    saved_gens = (state or {}).get("generators")
    if saved_gens and world == 1 and state.get("seed") == a.seed:
        # The data stream goes on where it stopped (a different --seed asks for a new one).
        fresh = restore_generators(saved_gens, gens, rng)
        log("data position restored" + (f"; fresh generators: {fresh}" if fresh else ""))
    return gens, rng
