"""--minutes: picks the last training step so that a run ends about that many minutes after its loop starts, and the
cosine schedule still reaches its end there.

The s/step is measured from the 10th step on (the first ones run slow: allocator, kernel choice, caches) and the end
re-estimated at steps 60 and 300 and every 1000 after. A single estimate at step 60 ended a 22-minute GPU run after
14 minutes. Data-parallel processes must agree on the end, so they take the smallest estimate.
"""
import time

import torch


class StepBudget:
    def __init__(self, minutes: float, start_step: int, world: int = 1, device="cpu"):
        self.start_step, self.world, self.device = start_step, world, device
        self.deadline = time.time() + minutes * 60
        self.t0 = self.t0_done = None

    def _checkpoint(self, done: int) -> bool:
        return done in (60, 300) or (done >= 1000 and done % 1000 == 0)

    def update(self, step: int):
        """Call after every optimizer step, on every process. → (new last step, s/step) at a re-estimate, else None."""
        done = step - self.start_step
        if self.t0 is None and done >= 10:
            self.t0, self.t0_done = time.time(), done
        if done == self.t0_done or not self._checkpoint(done):
            return None
        now = time.time()
        per_step = (now - self.t0) / (done - self.t0_done)
        last = torch.tensor([step + int(max(0.0, self.deadline - now) / per_step)], device=self.device)
        if self.world > 1:
            import torch.distributed as dist
            dist.all_reduce(last, op=dist.ReduceOp.MIN)
        return max(step + 1, int(last.item())), per_step
