"""What a DiT run writes: its training state (the file it resumes from) and snapshot model packs."""
import copy
import json
import os
import time

import checkpoint
from train_state import generator_states, pack_optimizer
from vae import VAE


def training_state(model, ema, opt, step, lr_restart, rd, grown, a, gens, rng) -> dict:
    """Everything a resumed run needs to go on as if it had never stopped (train_state.py), and what export.py reads."""
    return {
        "model": model.state_dict(), "ema_model": ema.model.state_dict(), "opt": pack_optimizer(opt.state_dict()),
        "step": step, "lr_restart": lr_restart, "config": rd.cfg, "vocab": rd.vocab, "latent_mean": rd.mean,
        "latent_std": rd.std, "caption_labels": rd.label_names, "grown_blocks": grown, "layout": rd.layout_header,
        "schedule": {"name": a.schedule, "lr": a.lr, "warmup": a.warmup}, "seed": a.seed,
        "generators": generator_states(gens, rng), "data": {k: len(v) for k, v in rd.train.items()},
        # what pack_sources / export.py read:
        "ema": {"dit": ema.model.dit.state_dict(), "text_encoder": ema.model.text_encoder.state_dict()},
    }


def write_snapshot_pack(shipped, rd, vae_dir, step, val, out_dir, log) -> None:
    """A full model pack of `shipped` (the EMA or the live model) with the VAE in vae_dir, for the evaluation to load
    while training goes on; skipped when there is no VAE checkpoint (a GPU box exports at home)."""
    vae_ck = os.path.join(vae_dir, "ckpt.pt")
    if not os.path.exists(vae_ck):
        log("no VAE checkpoint: snapshot pack skipped")
        return
    from export import write_pack   # deferred: pulls in the ONNX exporter only when needed
    vck = checkpoint.read(vae_ck)
    vae = VAE(vck["config"]["latent_channels"])
    vae.load_state_dict(vck["model"])
    te = copy.deepcopy(shipped.text_encoder).to("cpu").eval()
    dt = copy.deepcopy(shipped.dit).to("cpu").eval()
    src = {"vae": vae.eval(), "text_encoder": te, "dit": dt, "vocab": rd.vocab, "latent_mean": list(map(float, rd.mean)),
           "latent_std": list(map(float, rd.std)), "layout": rd.layout_header,
           "info": {"kind": "trained", "vae_step": vck["step"], "dit_step": step,
                    "vae_psnr": vck.get("heldout_psnr")}}
    t0 = time.time()
    write_pack(src, out_dir, "tiny-sora-default")
    with open(os.path.join(out_dir, "SNAPSHOT.json"), "w") as f:
        json.dump({"step": step, "val_loss": val["true"], "val_loss_shuffled": val["shuffled"],
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S")}, f)
    log(f"snapshot pack at step {step} -> {out_dir} ({time.time() - t0:.1f}s)")
