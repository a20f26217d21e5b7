"""Held-out validation of a DiT run, and the log lines that report it."""
import numpy as np
import torch

from flow import flow_loss, noisy_inputs
from patches import patchify

from dit_training.batches import pos_table


@torch.no_grad()
def validate(model, held, device, dim, per_aspect=16, ts=(0.2, 0.5, 0.8), tracks=None):
    """Held-out loss at fixed t with fixed noise, true captions vs captions shuffled within the batch (with their
    layouts, when the model takes one); with layouts also the true captions without layout ("no-layout")."""
    model.eval()
    gen = torch.Generator(device=device).manual_seed(0)
    tot = {"true": [], "shuffled": []}
    if tracks:
        tot["no-layout"] = []
    for aspect, ds in sorted(held.items()):
        n = min(per_aspect, len(ds))
        idx = torch.arange(n, device=device)
        z, ids = ds.batch(idx, gen, None, 0.0)
        lay = tracks[aspect].layout(idx) if tracks else None
        x0 = patchify(z)
        f, h, w = z.shape[1], z.shape[3], z.shape[4]
        pos = pos_table(f, h // 2, w // 2, dim, device)
        known = torch.zeros(n, f, dtype=torch.bool, device=device)
        perm = torch.roll(torch.arange(n, device=device), 1)
        for t in ts:
            x_t, tf, target, weight = noisy_inputs(x0, torch.full((n,), t, device=device), known, gen)
            runs = [("true", ids, lay), ("shuffled", ids[perm], lay[perm] if lay is not None else None)]
            if lay is not None:
                runs.append(("no-layout", ids, None))
            for name, cap, cl in runs:
                v, _ = model(x_t, tf, pos, cap, cl)
                tot[name].append(float(flow_loss(v.float(), target, weight)))
    return {k: float(np.mean(v)) for k, v in tot.items()}


def validation_set(rd):
    """The clips and tracks to validate on: the held-out split, or the training one when there is none."""
    return (rd.held or rd.train), (rd.held_tracks if rd.held else rd.tracks)


def validate_for_snapshot(shipped, rd, device, dim, step, log):
    """The snapshot's validation of the weights it ships: the loss at the usual t and at t = 0.95 (the sampler's
    first steps), each with the gap to shuffled captions, logged. → the losses at the usual t."""
    clips, tracks = validation_set(rd)
    res = validate(shipped, clips, device, dim, tracks=tracks)
    hi = validate(shipped, clips, device, dim, ts=(0.95,), tracks=tracks)
    no_layout = f" | no-layout loss {res['no-layout']:.5f} (t=0.95 {hi['no-layout']:.5f})" if tracks else ""
    log(f"val step {step} loss {res['true']:.5f} shuffled-captions {res['shuffled']:.5f} "
        f"gap {res['shuffled'] - res['true']:.5f} | t=0.95 loss {hi['true']:.5f} gap {hi['shuffled'] - hi['true']:.5f}"
        + no_layout)
    return res


def compare_at_cooldown_end(model, ema_model, rd, device, dim, shipping, log):
    """A cool-down branch's last step: the live weights against the EMA, so the log says which one ships and why."""
    clips, tracks = validation_set(rd)
    live = validate(model, clips, device, dim, tracks=tracks)
    avg = validate(ema_model, clips, device, dim, tracks=tracks)
    model.train()
    log(f"cool-down end: val loss live weights {live['true']:.5f}, EMA {avg['true']:.5f}" +
        (f" (no layout: {live['no-layout']:.5f}, {avg['no-layout']:.5f})" if "no-layout" in live else "")
        + f"; shipping {shipping}")
