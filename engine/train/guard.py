"""Keeps one bad batch from ending a training run.

A GPU run at batch 512 (bf16 autocast, lr 1e-3 cosine) went NaN at step ~14,700 after a gradient spike, and every
later step and checkpoint carried the NaN weights. Here an optimizer step whose gradient norm is not finite is skipped
(the weights, Adam moments and EMA stay as they were), and after `patience` such steps in a row the last good state,
kept in memory every `keep_every` steps, comes back with the learning rate halved.

The decision reads the clipped gradient's norm only, which data-parallel processes share after the all-reduce, so
every process skips and restores at the same steps.
"""
import copy

import torch


class DivergenceGuard:
    def __init__(self, model, opt, ema, keep_every: int = 500, patience: int = 20):
        self.model, self.opt, self.ema = model, opt, ema
        self.keep_every, self.patience = keep_every, patience
        self.lr_scale = 1.0
        self.skipped = 0            # in a row
        self.skipped_total = 0
        self.restores = 0
        self._good = None
        self.keep()

    def keep(self) -> None:
        """Copies the current weights, optimizer state and EMA (on their devices; the model is small)."""
        self._good = copy.deepcopy({"model": self.model.state_dict(), "opt": self.opt.state_dict(),
                                    "ema": self.ema.model.state_dict()})

    def step_ok(self, gnorm: torch.Tensor) -> bool:
        """Call between clip_grad_norm_ and opt.step(): False means skip this step (and say so by the returned log)."""
        if bool(torch.isfinite(gnorm)):
            self.skipped = 0
            return True
        self.skipped += 1
        self.skipped_total += 1
        self.opt.zero_grad(set_to_none=True)
        return False

    def after_skip(self) -> str | None:
        """After a skipped step: restores the last good state once `patience` steps in a row were skipped."""
        if self.skipped < self.patience:
            return None
        self.model.load_state_dict(self._good["model"])
        self.opt.load_state_dict(self._good["opt"])
        self.ema.model.load_state_dict(self._good["ema"])
        self.lr_scale *= 0.5
        self.skipped = 0
        self.restores += 1
        return f"{self.patience} non-finite steps in a row: restored the last good state, learning rate ×{self.lr_scale:g}"

    def after_step(self, step: int) -> None:
        if step % self.keep_every == 0:
            self.keep()
