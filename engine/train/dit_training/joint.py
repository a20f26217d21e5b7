"""The module a DiT run trains: text encoder + DiT (+ the training-only caption head), and loading a checkpoint's
weights into it."""
import torch

from caption_labels import CaptionHead
from dit import DiT
from text_encoder import TextEncoder


class Joint(torch.nn.Module):
    """Text encoder + DiT (+ the training-only caption head, when n_labels > 0) as one module: one optimizer, one
    EMA, one forward → (velocity, label logits or None)."""

    def __init__(self, vocab_size, dit_cfg, text_cfg, n_labels: int = 0):
        super().__init__()
        self.text_encoder = TextEncoder(vocab_size, **text_cfg)
        self.dit = DiT(**dit_cfg)
        self.caption_head = CaptionHead(text_cfg["dim"], n_labels) if n_labels else None
        self.head_detached = False      # the head learns, but its gradient does not reach the encoder

    def forward(self, x_t, tf, pos, ids, layout=None):
        states, pooled = self.text_encoder(ids)
        v = self.dit(x_t, tf, pos, states, (ids != 0).float(), pooled, layout)
        if self.caption_head is None:
            return v, None
        return v, self.caption_head(pooled.detach() if self.head_detached else pooled)


# Parts a checkpoint may lack: they start from their initial values (the caption head; dit.text_motion and
# dit.layout, whose outputs start at zero).
FRESH_PARTS = ("caption_head.", "dit.text_motion.", "dit.layout.")


def with_model_weights(state: dict) -> None:
    """A slim checkpoint (slim_ckpt.py, recover_pack.py) has only EMA weights: they become the model's too."""
    if "model" not in state:
        state["model"] = {f"text_encoder.{k}": v for k, v in state["ema"]["text_encoder"].items()}
        state["model"].update({f"dit.{k}": v for k, v in state["ema"]["dit"].items()})


def load_weights(model: torch.nn.Module, ema_model: torch.nn.Module, state: dict) -> None:
    """The state's live weights into the model and its EMA weights into the EMA copy (the live ones where it has
    none). A checkpoint without the caption head (or from before dit.text_motion or dit.layout) starts those parts
    fresh; any other mismatch is an error."""
    with_model_weights(state)
    fresh_ok = lambda r: all(k.startswith(FRESH_PARTS) for k in r.missing_keys + r.unexpected_keys)  # noqa: E731
    for target, weights in ((model, state["model"]), (ema_model, state.get("ema_model", state["model"]))):
        r = target.load_state_dict(weights, strict=False)
        if not fresh_ok(r):
            raise RuntimeError(f"checkpoint does not fit the model: {r}")
