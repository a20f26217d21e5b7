"""Deepens a trained DiT without changing what it computes: new blocks go in as copies of a trained neighbour whose
residual branches are switched off, so training resumes from the same function with more capacity.

A DiT block adds three branches to its input: self-attention and the MLP, each scaled by an adaLN gate, and the
cross-attention, which has no gate. Zeroing the two gates' rows of the copy's adaLN projection and the
cross-attention's output projection makes the copy the identity; its attention and MLP weights stay trained, so the
first gradients on those zeroed parts already point somewhere useful (a fresh random block would start from noise).
"""
GATE_CHUNKS = (2, 5)     # Block.ada output order: shift1, scale1, gate1, shift2, scale2, gate2


def insert_after(old_depth: int, new_depth: int) -> list[int]:
    """Which trained blocks get a copy right after them: evenly spaced, the last block always among them."""
    extra = new_depth - old_depth
    return sorted({old_depth - 1 - round(k * old_depth / extra) for k in range(extra)})


def grow_blocks(weights: dict, prefix: str, old_depth: int, new_depth: int) -> tuple[dict, list[int]]:
    """weights: a state dict holding `<prefix><i>.…` for i < old_depth → (the state dict for new_depth blocks, the
    new blocks' indices). Every other key is kept as it is."""
    if new_depth <= old_depth:
        return weights, []
    sources = insert_after(old_depth, new_depth)
    if len(sources) != new_depth - old_depth:
        raise ValueError(f"cannot grow {old_depth} blocks to {new_depth}: more than one copy per block")
    order, fresh = [], []        # order[j] = the old block the new block j comes from
    for i in range(old_depth):
        order.append(i)
        if i in sources:
            fresh.append(len(order))
            order.append(i)
    out = {k: v for k, v in weights.items() if not k.startswith(prefix)}
    for j, i in enumerate(order):
        for k, v in weights.items():
            if k.startswith(f"{prefix}{i}."):
                out[f"{prefix}{j}." + k[len(f"{prefix}{i}."):]] = v.clone()
    for j in fresh:
        silence(out, f"{prefix}{j}.")
    return out, fresh


def silence(weights: dict, block: str) -> None:
    """Make the block at `block` (a key prefix of a state dict, whose tensors are detached) the identity: no gate
    lets attention or the MLP through, and the ungated cross-attention adds zero."""
    ada_w, ada_b = weights[block + "ada.weight"], weights[block + "ada.bias"]
    dim = ada_w.shape[0] // 6
    for c in GATE_CHUNKS:
        ada_w[c * dim:(c + 1) * dim].zero_()
        ada_b[c * dim:(c + 1) * dim].zero_()
    weights[block + "cross.proj.weight"].zero_()
    weights[block + "cross.proj.bias"].zero_()
