"""The model a DiT run trains, its EMA and its optimizer: built from the run's config, deepened first when the run
asks for more blocks than the state has (--grow-depth)."""
import torch

from ema import EMA
from grow import grow_blocks

from dit_training.joint import Joint, with_model_weights


def grow_if_asked(a, state, cfg, log) -> list:
    """Deepens the state's DiT to --grow-depth blocks (same function: the new blocks start as identities) and
    drops its optimizer state. → the indices of all grown blocks (the state's earlier ones included)."""
    grown = (state or {}).get("grown_blocks", [])
    if state and a.grow_depth > cfg["dit"]["depth"]:
        with_model_weights(state)
        old_depth = cfg["dit"]["depth"]
        for key in ("model", "ema_model"):
            if key in state:
                state[key], grown = grow_blocks(state[key], "dit.blocks.", old_depth, a.grow_depth)
        state.pop("opt", None)       # Adam's moments belong to the old parameter list: a fresh optimizer
        cfg["dit"]["depth"] = a.grow_depth
        log(f"grew the DiT from {old_depth} to {a.grow_depth} blocks: new blocks {grown} (identity at first)")
    return grown


def build_model(rd, a, device):
    """→ (the trained module on the device, its EMA)."""
    model = Joint(len(rd.vocab), rd.cfg["dit"], rd.cfg["text"], len(rd.label_names)).to(device)
    return model, EMA(model, a.ema)


def param_groups(model, grown, a) -> list:
    """The optimizer's groups: weight decay on matrices only; the caption head, grown blocks and the layout input
    at their own multiple of the run's lr ("lr_scale", runtime.set_lr)."""
    decay, no_decay, head, new, lay = [], [], [], [], []
    new_prefixes = tuple(f"dit.blocks.{j}." for j in grown)
    for n_, p in model.named_parameters():
        if n_.startswith("caption_head."):
            head.append(p)
        elif n_.startswith("dit.layout."):
            lay.append(p)
        elif n_.startswith(new_prefixes):           # () when nothing was grown: never
            new.append(p)
        else:
            (decay if p.dim() >= 2 and "pos" not in n_ and "tok" not in n_ else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if head:
        # The head must keep up with the encoder: at the run's lr it still predicted base rates after 400 steps, so
        # the encoder's gradient through it was noise (fitted alone at 10x it read motion from the same features).
        groups.append({"params": head, "weight_decay": 0.0, "lr_scale": a.caption_head_lr})
    if new:
        # Grown blocks start at zero gates and must catch up; the trained ones only need nudging.
        groups.append({"params": new, "weight_decay": a.weight_decay, "lr_scale": a.grown_lr})
    if lay:
        # A new input on a trained model: it starts at zero and must catch up within a CPU session.
        groups.append({"params": lay, "weight_decay": a.weight_decay, "lr_scale": a.layout_lr})
    return groups


def build_optimizer(groups, a):
    return torch.optim.AdamW(groups, lr=a.lr, betas=(0.9, 0.99))
