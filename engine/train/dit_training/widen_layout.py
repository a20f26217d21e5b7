"""Widening a state's layout input to more channels (issue 23: the disc layout → disc + silhouette).

The new channels are appended after the old ones, so the state's layout projection gains input columns: they start
at zero (the model computes exactly what it did before) and, being the first layer's inputs, get a gradient from the
first step. The Adam moments of those columns start at zero too, so the rest of the optimizer state stays valid and
the run resumes with no warm-up loss."""
import torch

from train_state import MOMENT_KEYS

LAYOUT_IN = "layout.0.weight"      # nn.Linear(channels, dim): weight [dim, channels]


def _pad_columns(w: torch.Tensor, extra: int) -> torch.Tensor:
    return torch.cat([w, w.new_zeros(w.shape[0], extra)], dim=1)


def _layout_moments(state: dict, old_width: int) -> dict:
    """The packed Adam state of the layout's input weight: the last parameter group's first parameter
    (model_setup.param_groups appends the layout group last, input layer first)."""
    idx = state["opt"]["param_groups"][-1]["params"][0]
    moments = state["opt"]["state"].get(idx)
    if moments is None:
        return None
    if moments["exp_avg"]["q"].shape[1] != old_width:
        raise SystemExit("widen layout: the optimizer's last group is not the layout input; start it fresh instead")
    return moments


def widen_layout(state: dict, channels: list, log) -> None:
    """The state (in memory, as checkpoint.load gave it) with its layout widened to `channels`, which must begin with
    the state's own."""
    old = state["layout"]["channels"]
    if list(channels[:len(old)]) != list(old) or len(channels) <= len(old):
        raise SystemExit(f"widen layout: the tracks' channels do not extend the state's ({len(old)} → {len(channels)})")
    extra = len(channels) - len(old)
    moments = _layout_moments(state, len(old)) if "opt" in state else None
    for weights, key in ((state["model"], "dit." + LAYOUT_IN), (state.get("ema_model"), "dit." + LAYOUT_IN),
                         (state.get("ema", {}).get("dit"), LAYOUT_IN)):
        if weights is not None and key in weights:
            weights[key] = _pad_columns(weights[key], extra)
    if moments is not None:
        for name in MOMENT_KEYS:
            moments[name]["q"] = _pad_columns(moments[name]["q"], extra)
    state["layout"] = dict(state["layout"], channels=list(channels))
    state["config"]["dit"]["layout_channels"] = len(channels)
    log(f"layout widened from {len(old)} to {len(channels)} channels; the new columns start at zero")
