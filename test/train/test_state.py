"""The resumable training state (engine/train/train_state.py, train_dit.py --state / --cooldown).

A run stopped and resumed from its state file must go on as if it had never stopped: same batches, the optimizer's
moments kept (no warm-up, no loss spike), and a cool-down branch must leave the state untouched.
Run: /usr/bin/python3 -m unittest discover -s test/train -p 'test_*.py'"""
import hashlib
import json
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "engine", "train"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import checkpoint  # noqa: E402
from train_state import pack_optimizer, unpack_optimizer  # noqa: E402

torch.set_num_threads(1)

COLORS = ["red", "blue"]
SHAPES = ["circle", "square"]
MOTIONS = ["left", "right", "still"]


def write_latents(root: str, n: int = 12, frames: int = 5, seed: int = 0) -> None:
    """Tiny latents as encode_latents.py writes them, with the layout tracks layout-cli.ts writes beside them."""
    rng = np.random.default_rng(seed)
    channels = ["layout", "occupied", "offset_x", "offset_y"] + [f"color:{c}" for c in COLORS] + \
        [f"shape:{s}" for s in SHAPES] + ["size:small", "size:medium", "size:large"]
    for split in ("train", "heldout"):
        d = os.path.join(root, split)
        os.makedirs(d)
        np.save(os.path.join(d, "1x1.npy"), rng.standard_normal((n, frames, 8, 8, 8)).astype(np.float16))
        scenes, caps, attrs = [], [], []
        for i in range(n):
            c, s, m = COLORS[i % 2], SHAPES[(i // 2) % 2], MOTIONS[i % 3]
            scenes.append({"background": {"kind": "solid", "color": "black"}, "seed": i,
                           "objects": [{"color": c, "shape": s, "size": "medium", "motion": m, "speed": "normal",
                                        "start": [0.5, 0.5]}]})
            caps.append([f"a {c} {s} moves {m}", f"{c} {s} {m}"])
            attrs.append([[i % 2, (i // 2) % 2, 1]])
        with open(os.path.join(d, "1x1.json"), "w") as f:
            json.dump({"width": 64, "height": 64, "frames": frames, "captions": caps, "scenes": scenes}, f)
        tracks = np.zeros((n, frames, 3, 3), "<f4")
        tracks[:, :, 0] = [0.5, 0.5, 0.12]
        tracks[:, :, 0, 0] += np.linspace(-0.2, 0.2, frames)[None, :]
        tracks.tofile(os.path.join(d, "1x1.layout.f32"))
        with open(os.path.join(d, "1x1.layout.json"), "w") as f:
            json.dump({"channels": channels, "token_px": 16, "samples": 8, "clip_frames": 17, "max_objects": 3,
                       "frames": frames, "width": 64, "height": 64, "attrs": attrs}, f)
    with open(os.path.join(root, "stats.json"), "w") as f:
        json.dump({"latent_mean": [0.0] * 8, "latent_std": [1.0] * 8}, f)


def run(root: str, out: str, steps: int, *extra: str) -> dict:
    from train_dit import parse_args, train
    args = parse_args(["--latents", root, "--vae", os.path.join(root, "no-vae"), "--out", out, "--steps", str(steps),
                       "--batch", "4", "--lr", "1e-3", "--warmup", "2", "--dim", "24", "--depth", "1", "--heads", "2",
                       "--log-every", "1", "--snapshot-every", "1000", "--seed", "5", "--layout", "--short-prob", "0.5",
                       "--min-frames", "3", *extra])
    log = os.path.join(args.cooldown_out or out, "train.log")
    start = os.path.getsize(log) if os.path.exists(log) else 0
    train(args)
    losses = {}
    with open(log) as f:
        f.seek(start)
        for line in f:
            m = re.search(r"step (\d+) loss ([0-9.]+) .*lr ([0-9.e+-]+)", line)
            if m:
                losses[int(m.group(1))] = (float(m.group(2)), float(m.group(3)))
    return losses


def digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class TrainingState(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = os.path.join(cls.tmp.name, "latents")
        write_latents(cls.root)
        cls.straight = run(cls.root, os.path.join(cls.tmp.name, "straight"), 8)
        cls.first = run(cls.root, os.path.join(cls.tmp.name, "resumed"), 4)
        cls.second = run(cls.root, os.path.join(cls.tmp.name, "resumed"), 8)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_resume_goes_on_as_if_never_stopped(self):
        self.assertEqual(sorted(self.second), [5, 6, 7, 8])
        for step in range(1, 9):
            got = (self.first if step <= 4 else self.second)[step]
            # Same batch, same learning rate (no second warm-up); the loss differs only by the fp16 moments' rounding.
            self.assertEqual(got[1], self.straight[step][1], step)
            self.assertAlmostEqual(got[0], self.straight[step][0], delta=2e-4 * max(1.0, self.straight[step][0]))
        a = checkpoint.read(os.path.join(self.tmp.name, "straight", "ckpt.pt"))
        b = checkpoint.read(os.path.join(self.tmp.name, "resumed", "ckpt.pt"))
        for k, v in a["model"].items():
            self.assertTrue(torch.allclose(v, b["model"][k], atol=1e-4, rtol=1e-3), k)
        self.assertEqual(b["step"], 8)
        self.assertEqual(b["schedule"]["name"], "constant")
        self.assertTrue(b["opt"]["compact"])
        self.assertEqual(b["layout"]["channels"][0], "layout")

    def test_cooldown_branch_leaves_the_state_alone(self):
        state = os.path.join(self.tmp.name, "resumed", "ckpt.pt")
        before = digest(state)
        cool = os.path.join(self.tmp.name, "cool")
        losses = run(self.root, os.path.join(self.tmp.name, "resumed"), 8, "--cooldown", "4", "--cooldown-out", cool,
                     "--cooldown-weights", "live")
        self.assertEqual(digest(state), before)
        self.assertEqual(sorted(losses), [9, 10, 11, 12])
        lrs = [losses[s][1] for s in sorted(losses)]
        self.assertEqual(lrs, sorted(lrs, reverse=True))
        self.assertAlmostEqual(lrs[-1], 1e-3 * 0.25, places=8)        # the last step's lr: one quarter left
        branch = checkpoint.read(os.path.join(cool, "ckpt.pt"))
        self.assertEqual(branch["step"], 12)
        # Shipping the live weights keeps the EMA as it was: an EMA pack can still be exported from the branch.
        w = "dit.final.out.weight"
        self.assertFalse(torch.equal(branch["model"][w], branch["ema_model"][w]))


def add_silhouette_channels(root: str) -> None:
    """The same latents' tracks as layout-cli.ts writes them now: the disc channels, then the silhouette ones."""
    for split in ("train", "heldout"):
        path = os.path.join(root, split, "1x1.layout.json")
        with open(path) as f:
            header = json.load(f)
        header["channels"] += [f"silhouette:{i}" for i in range(header["samples"] ** 2)]
        with open(path, "w") as f:
            json.dump(header, f)


class WidenLayout(unittest.TestCase):
    """A disc-layout state meeting silhouette tracks: kept as it is by default, widened with --widen-layout."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        disc = os.path.join(cls.tmp.name, "disc")
        write_latents(disc)
        run(disc, os.path.join(cls.tmp.name, "start"), 4)
        cls.root = os.path.join(cls.tmp.name, "full")
        write_latents(cls.root)
        add_silhouette_channels(cls.root)
        cls.states = {}
        cls.losses = {}
        for arm, extra in (("kept", ()), ("widened", ("--widen-layout",))):
            out = os.path.join(cls.tmp.name, arm)
            os.makedirs(out)
            with open(os.path.join(cls.tmp.name, "start", "ckpt.pt"), "rb") as src, \
                    open(os.path.join(out, "ckpt.pt"), "wb") as dst:
                dst.write(src.read())
            cls.losses[arm] = run(cls.root, out, 6, *extra)
            cls.states[arm] = checkpoint.read(os.path.join(out, "ckpt.pt"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_a_state_keeps_its_channels_unless_told(self):
        self.assertEqual(len(self.states["kept"]["layout"]["channels"]), 11)
        self.assertEqual(self.states["kept"]["model"]["dit.layout.0.weight"].shape[1], 11)
        widened = self.states["widened"]
        self.assertEqual(len(widened["layout"]["channels"]), 11 + 64)
        for weights, key in ((widened["model"], "dit.layout.0.weight"), (widened["ema_model"], "dit.layout.0.weight"),
                             (widened["ema"]["dit"], "layout.0.weight")):
            self.assertEqual(weights[key].shape[1], 75, key)
        # The new columns learn (they are the first layer's inputs): no longer all zero after two steps.
        self.assertGreater(float(widened["model"]["dit.layout.0.weight"][:, 11:].abs().max()), 0)

    def test_widening_changes_nothing_until_the_new_columns_move(self):
        # Step 5 runs the same batch through the same function (the new columns are zero): the same loss. The
        # optimizer's moments of the old columns were kept, so no warm-up either.
        kept, widened = self.losses["kept"], self.losses["widened"]
        self.assertEqual(sorted(widened), [5, 6])
        self.assertAlmostEqual(widened[5][0], kept[5][0], delta=1e-4 * max(1.0, kept[5][0]))
        self.assertEqual(widened[5][1], kept[5][1])


class CompactMoments(unittest.TestCase):
    def test_round_trip_keeps_tiny_second_moments(self):
        p = torch.nn.Parameter(torch.zeros(1000))
        opt = torch.optim.AdamW([p], lr=1e-3)
        p.grad = torch.logspace(-12, -1, 1000) * torch.sign(torch.randn(1000))
        opt.step()
        sd = opt.state_dict()
        back = unpack_optimizer(pack_optimizer(sd))
        for key in ("exp_avg", "exp_avg_sq"):
            want, got = sd["state"][0][key], back["state"][0][key]
            self.assertEqual(got.dtype, torch.float32)
            # Adam divides by sqrt(v) + eps: that denominator must survive, however small v is.
            if key == "exp_avg_sq":
                rel = ((got.sqrt() + 1e-8) / (want.sqrt() + 1e-8) - 1).abs().max()
            else:
                rel = ((got - want).abs() / (want.abs() + 1e-3 * want.abs().max())).max()
            # Gradients spread over 11 orders of magnitude in one tensor: worst 0.9 %, on denominators near eps
            # (a plain fp16 copy of v, no root and no scale, is off by 90 % there).
            self.assertLess(float(rel), 1.5e-2, key)
        packed = pack_optimizer(sd)["state"][0]["exp_avg_sq"]["q"]
        self.assertEqual(packed.dtype, torch.float16)


class LayoutDrop(unittest.TestCase):
    def test_no_layout_where_the_caption_was_dropped(self):
        from train_dit import batch_layout

        class Tracks:
            def layout(self, idx, window):
                return torch.ones(len(idx), 2, 3, 4)

        ids = torch.tensor([[2, 5, 6]] * 300 + [[2, 0, 0]] * 100)
        lay = batch_layout(Tracks(), torch.arange(400), None, ids, torch.Generator().manual_seed(0), 0.2)
        on = lay.flatten(1).amax(dim=1) > 0
        self.assertFalse(on[300:].any())                              # CFG rows: neither text nor layout
        self.assertTrue(0.7 < float(on[:300].float().mean()) < 0.9)   # ~20 % more without layout


if __name__ == "__main__":
    unittest.main()
