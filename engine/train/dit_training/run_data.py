"""What a DiT run trains on, read once at its start: the model config and vocabulary (the state's, or new ones from
the latents), the training and held-out latents, the layout tracks, the caption head's targets and the draw weights."""
import json
import os
from dataclasses import dataclass, field

import torch

from caption_labels import label_names, multi_hot, translates
from latents import load_split, train_captions
from layout import load_tracks
from pack_sources import DEFAULT_TEXT
from tokenizer import build_vocab, save_tokenizer

from dit_training.widen_layout import widen_layout


@dataclass
class RunData:
    vocab: dict
    cfg: dict                   # {"dit": DiT kwargs, "text": TextEncoder kwargs}: saved in every checkpoint
    mean: list                  # per-channel latent statistics the latents are normalised with
    std: list
    train: dict                 # aspect → AspectLatents
    held: dict
    tracks: dict = None         # aspect → ClipTracks when the DiT takes a layout
    held_tracks: dict = None
    layout_header: dict = None  # the tracks' channel spec, saved with the state and written into packs
    labels: dict = field(default_factory=dict)       # aspect → the caption head's multi-hot targets [N, labels]
    label_names: list = field(default_factory=list)  # empty: no caption head


def model_config(a, state, stats):
    """→ (vocab, model config, latent mean, latent std): the state's when it has them, else new ones."""
    if state:
        vocab, cfg = state["vocab"], state["config"]
        mean, std = state["latent_mean"], state["latent_std"]
        cfg["dit"]["text_motion"] = True   # a checkpoint from before it gains it, zero (joint.FRESH_PARTS)
        return vocab, cfg, mean, std
    vocab = build_vocab(train_captions(a.latents))
    cfg = {"dit": {"patch_dim": 0, "dim": a.dim, "depth": a.depth, "heads": a.heads, "text_dim": DEFAULT_TEXT["dim"],
                   "mlp_ratio": 4, "text_motion": True}, "text": dict(DEFAULT_TEXT)}
    return vocab, cfg, stats["latent_mean"], stats["latent_std"]


def attach_layout(rd: RunData, a, state, device, log) -> None:
    """The layout tracks beside the latents, when the run asks for the layout input or the state's DiT has it. A state
    with fewer channels than the tracks (the disc layout) keeps its own, or is widened to all (--widen-layout)."""
    if not (a.layout or rd.cfg["dit"].get("layout_channels")):
        return
    rd.tracks = load_tracks(a.latents, "train", list(rd.train), device)
    rd.held_tracks = load_tracks(a.latents, "heldout", list(rd.held), device)
    if rd.tracks is None:
        raise SystemExit(f"--layout: no tracks beside {a.latents}: npx tsx engine/synth/layout-cli.ts --latents {a.latents}")
    spec = next(iter(rd.tracks.values())).spec
    kept = (state or {}).get("layout") and state["layout"]["channels"]
    if kept and kept != spec.channels:
        if a.widen_layout:
            widen_layout(state, spec.channels, log)
        elif spec.channels[:len(kept)] == kept:
            # A state keeps its layout: the tracks' further channels (the silhouette) are left out of its batches.
            spec = spec.narrowed(kept)
            for clip_tracks in list(rd.tracks.values()) + list((rd.held_tracks or {}).values()):
                clip_tracks.spec = spec
        else:
            raise SystemExit("the state's layout channels differ from the tracks' (engine/synth/layout.ts changed?)")
    rd.layout_header = spec.header()
    rd.cfg["dit"]["layout_channels"] = len(spec.channels)


def attach_caption_targets(rd: RunData, a, state, device, log) -> None:
    """The caption head's label names and per-clip targets (--caption-aux). Latents without scene descriptions turn
    the head and the draw weights off (in `a`, so the rest of the run sees them off)."""
    weighted = a.translation_weight != 1.0 or a.multi_object_weight != 1.0
    if any(ds.scenes is None for ds in rd.train.values()) and (a.caption_aux > 0 or weighted):
        log("latents without scenes (an old encode_latents.py): --caption-aux and the draw weights off")
        a.caption_aux, a.translation_weight, a.multi_object_weight = 0.0, 1.0, 1.0
    if a.caption_aux > 0:
        # A resumed state keeps its label order, so its caption head's outputs keep their meaning.
        rd.label_names = (state or {}).get("caption_labels") or label_names(ds.scenes for ds in rd.train.values())
        rd.labels = {k: torch.from_numpy(multi_hot(ds.scenes, rd.label_names)).to(device) for k, ds in rd.train.items()}


def set_draw_weights(train: dict, a, device) -> None:
    """Clips where an object travels (--translation-weight) or with several objects (--multi-object-weight) are
    drawn that many times as often; both hold: the product."""
    if a.translation_weight == 1.0 and a.multi_object_weight == 1.0:
        return
    for ds in train.values():
        w = [(a.translation_weight if translates(s) else 1.0) * (a.multi_object_weight if len(s["objects"]) > 1 else 1.0)
             for s in ds.scenes]
        ds.draw_weights = torch.tensor(w, dtype=torch.float32, device=device)


def load_run_data(a, state, device, log, lead: bool) -> RunData:
    with open(os.path.join(a.latents, "stats.json")) as f:
        stats = json.load(f)
    vocab, cfg, mean, std = model_config(a, state, stats)
    if lead:
        save_tokenizer(vocab, os.path.join(a.out, "tokenizer"))
    train = load_split(a.latents, "train", vocab, mean, std, device)
    held = load_split(a.latents, "heldout", vocab, mean, std, device)
    cfg["dit"]["patch_dim"] = 4 * next(iter(train.values())).z.shape[2]
    rd = RunData(vocab, cfg, mean, std, train, held)
    attach_layout(rd, a, state, device, log)
    attach_caption_targets(rd, a, state, device, log)
    set_draw_weights(rd.train, a, device)
    return rd
