"""One optimisation step of a DiT run, its learning rate, and the running loss the log reports."""
import contextlib
import time

import torch

from caption_labels import caption_loss
from flow import flow_loss
from runtime import cooldown_lr, lr_at


def step_lr(a, step, lr_restart, cool_start):
    """The learning rate at `step`: a cool-down branch's linear fall to 0, else the run's schedule counted from its
    last restart (a fresh optimizer warms up again)."""
    if a.cooldown:
        return cooldown_lr(step, cool_start, a.cooldown, a.lr)
    return lr_at(step - lr_restart, a.steps - lr_restart, a.lr, a.warmup, schedule=a.schedule)


def forward_loss(net, batch, labels, a, cuda):
    """→ (flow loss, caption-head loss or None, the total to minimise) for one batch from batches.step_batch.
    On a GPU the matmuls run in bf16 (autocast; weights, optimizer and EMA stay fp32); on CPU everything is fp32."""
    x_t, tf, pos, ids, target, weight, emphasis, idx, layout = batch
    with torch.autocast("cuda", dtype=torch.bfloat16) if cuda else contextlib.nullcontext():
        v, logits = net(x_t, tf, pos, ids, layout)
    loss = flow_loss(v.float(), target, weight, emphasis)
    if logits is None:
        return loss, None, loss
    aux = caption_loss(logits.float(), labels[idx], (ids != 0).sum(dim=1) > 1)
    return loss, aux, loss + a.caption_aux * aux


def backward_and_clip(model, opt, loss_total, clip):
    """Fresh gradients of `loss_total`, clipped to norm `clip`. → the norm before clipping."""
    opt.zero_grad(set_to_none=True)
    loss_total.backward()
    return torch.nn.utils.clip_grad_norm_(model.parameters(), clip)


class LossMeter:
    """The mean losses and s/step since the last log line."""

    def __init__(self):
        self.restart()

    def restart(self):
        self.loss, self.aux, self.n, self.t0 = 0.0, 0.0, 0, time.time()

    def restart_clock(self):
        """After a pause the interval should not count (a snapshot's validation and export)."""
        self.t0 = time.time()

    def add(self, loss, aux):
        self.loss, self.n = self.loss + loss.item(), self.n + 1
        self.aux += aux.item() if aux is not None else 0.0

    def line(self, step, aux, gnorm, lr):
        """The log line, then a fresh interval. `aux` is this step's caption loss (None: the run has no head)."""
        dt = (time.time() - self.t0) / self.n
        aux_note = f" caption-aux {self.aux / self.n:.5f}" if aux is not None else ""
        text = (f"step {step} loss {self.loss / self.n:.5f}{aux_note} grad {float(gnorm):.3f} "
                f"lr {lr:.2e} s/step {dt:.3f}")
        self.restart()
        return text
