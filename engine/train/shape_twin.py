"""The shape-twin probe: how far the DiT's clean-clip estimate moves when only the shape word changes.

  python3 engine/train/shape_twin.py --dit runs/dit [--n 48]    (after engine/synth/twins-cli.ts --latents runs/latents)

For held-out 1:1 clips (their real latents noised to t with fixed noise) it compares x0 = x_t − t·v under a caption,
its shape twin and its colour twin (engine/synth/twins-cli.ts: same template, one word changed). A model with the
layout input gets each twin's layout (the same tracks, the changed attribute). Printed: RMS of the x0 difference over
the whole clip and over the first object's tokens (where it covers ≥ 5 % of a token), for the shape twin, the colour
twin and their ratio; with a layout, also the shape change seen by the text alone and by the layout alone. The
shipped pack (45728) moved x0 3-6 % as much for a shape change as for a colour change in an earlier form of this check.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import checkpoint  # noqa: E402
from layout import ClipTracks  # noqa: E402
from pack_sources import load_sources  # noqa: E402
from patches import patchify, sincos_pos  # noqa: E402
from tokenizer import encode_batch  # noqa: E402


def rms(a, mask=None):
    d = a.pow(2).mean(dim=-1)                      # [F, S]
    if mask is not None:
        return float((d * mask).sum() / mask.sum().clamp(min=1)) ** 0.5
    return float(d.mean()) ** 0.5


@torch.no_grad()
def probe(src, latents: str, n: int, ts=(0.8, 0.5), seed: int = 0):
    te, dit = src["text_encoder"], src["dit"]
    with open(os.path.join(latents, "heldout", "twins.json")) as f:
        items = [it for it in json.load(f)["items"] if it["aspect"] == "1x1"][:n]
    held = os.path.join(latents, "heldout")
    z = np.load(os.path.join(held, "1x1.npy"))
    tracks = ClipTracks(held, "1x1")
    uses_layout = getattr(dit, "layout", None) is not None
    if uses_layout:
        # A disc-layout model reads the first channels only (the tracks' files may also hold the silhouette ones).
        tracks.spec = tracks.spec.narrowed(tracks.spec.channels[:dit.layout[0].in_features])
    mean = torch.tensor(src["latent_mean"])[None, :, None, None]
    std = torch.tensor(src["latent_std"])[None, :, None, None]
    gen = torch.Generator().manual_seed(seed)
    rows = {k: [] for k in ("shape", "colour", "shape@object", "colour@object", "shape text-only", "shape layout-only")}
    for it in items:
        i = it["index"]
        x0 = patchify(((torch.from_numpy(z[i]).float() - mean) / std)[None])          # [1,F,S,P]
        f, s = x0.shape[1], x0.shape[2]
        pos = sincos_pos(f, 4, 4, dit.dim)
        idx = torch.tensor([i])
        lay = {}
        for key in ("attrs", "shape_twin_attrs", "color_twin_attrs"):
            attrs = torch.full((1, tracks.spec.max_objects, 3), -1, dtype=torch.long)
            attrs[0, :len(it[key])] = torch.tensor(it[key])
            saved = tracks.attrs[i].clone()
            tracks.attrs[i] = attrs[0]
            lay[key] = tracks.layout(idx)
            tracks.attrs[i] = saved
        object_tokens = (tracks.layout(idx)[0, :, :, 1] > 0.05).float()               # any object, [F,S]
        caps = [it["caption"], it["shape_twin"], it["color_twin"]]
        ids = torch.from_numpy(encode_batch(caps, src["vocab"]))
        states, pooled = te(ids)
        mask = (ids != 0).float()
        for t in ts:
            eps = torch.randn(x0.shape, generator=gen)
            x_t = ((1 - t) * x0 + t * eps).expand(3, -1, -1, -1)
            tf = torch.full((3, f), t)
            layout = torch.cat([lay["attrs"], lay["shape_twin_attrs"], lay["color_twin_attrs"]]) if uses_layout else None
            est = x_t - t * dit(x_t, tf, pos, states, mask, pooled, layout)
            rows["shape"].append(rms(est[1] - est[0]))
            rows["colour"].append(rms(est[2] - est[0]))
            rows["shape@object"].append(rms(est[1] - est[0], object_tokens))
            rows["colour@object"].append(rms(est[2] - est[0], object_tokens))
            if uses_layout:
                same = torch.cat([lay["attrs"], lay["attrs"]])
                text_only = x_t[:2] - t * dit(x_t[:2], tf[:2], pos, states[:2], mask[:2], pooled[:2], same)
                rows["shape text-only"].append(rms(text_only[1] - text_only[0]))
                cap0 = (states[:1].expand(2, -1, -1), mask[:1].expand(2, -1), pooled[:1].expand(2, -1))
                lay_only = x_t[:2] - t * dit(x_t[:2], tf[:2], pos, cap0[0], cap0[1], cap0[2],
                                             torch.cat([lay["attrs"], lay["shape_twin_attrs"]]))
                rows["shape layout-only"].append(rms(lay_only[1] - lay_only[0]))
    return {k: float(np.mean(v)) for k, v in rows.items() if v}, len(items)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dit", default="runs/dit", help="a DiT checkpoint directory or training-state file")
    ap.add_argument("--vae", default="runs/vae-dec")
    ap.add_argument("--latents", default="runs/latents")
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--live", action="store_true", help="the checkpoint's training weights instead of its EMA")
    a = ap.parse_args()
    torch.set_num_threads(1)
    src = load_sources(a.vae, a.dit)
    if a.live:
        model = checkpoint.read(a.dit if os.path.isfile(a.dit) else os.path.join(a.dit, "ckpt.pt"))["model"]
        for part in ("text_encoder", "dit"):
            src[part].load_state_dict({k[len(part) + 1:]: v for k, v in model.items() if k.startswith(part + ".")})
    res, n = probe(src, a.latents, a.n)
    print(f"shape-twin probe, {n} held-out 1:1 clips, t = 0.8 and 0.5, RMS of the x0 change "
          f"({'with' if src['dit'].layout is not None else 'no'} layout input):")
    for k, v in res.items():
        print(f"  {k:<18} {v:.4f}")
    print(f"  shape / colour     {res['shape'] / res['colour']:.3f} (whole clip), "
          f"{res['shape@object'] / res['colour@object']:.3f} (object tokens)")


if __name__ == "__main__":
    main()
