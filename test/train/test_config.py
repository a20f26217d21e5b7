"""Run configs (engine/train/run_config.py) and the one entry point (engine/train/run.py).

A config that names a key its trainer does not have must fail loudly, before any training: a typo would otherwise
train for hours with the default. Flags on the command line win over the config.
Run: /usr/bin/python3 -m unittest discover -s test/train -p 'test_*.py'"""
import contextlib
import glob
import io
import json
import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
TRAIN = os.path.join(ROOT, "engine", "train")
CONFIGS = os.path.join(TRAIN, "configs")
sys.path.insert(0, TRAIN)

import torch  # noqa: E402

import checkpoint  # noqa: E402
import run  # noqa: E402
from run_config import ConfigError, read_config, resolve  # noqa: E402

torch.set_num_threads(1)


class Configs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, cfg):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            json.dump(cfg, f)
        return path

    def error(self, cfg, overrides=()):
        path = self.write("bad.json", cfg)
        with self.assertRaises(ConfigError) as e:
            resolve(path, overrides)
        return str(e.exception)

    def test_settings_become_the_trainers_flags_and_flags_win(self):
        path = self.write("run.json", {"trainer": "dit", "settings": {"lr": 3e-4, "steps": 100, "layout": True,
                                                                      "schedule": "cosine", "no-equal-tokens": False}})
        r = resolve(path, ["--lr", "1e-4", "--batch", "8"])
        s = r["settings"]
        self.assertEqual((s["lr"], s["steps"], s["batch"], s["layout"], s["schedule"]), (1e-4, 100, 8, True, "cosine"))
        self.assertFalse(s["no-equal-tokens"])
        self.assertEqual(s["translation-weight"], 2.0)               # not in the config: the trainer's default
        self.assertEqual(r["argv"][:2], ["--lr", "0.0003"])
        self.assertNotIn("--no-equal-tokens", r["argv"])

    def test_extends_merges_key_by_key_and_null_means_the_default(self):
        self.write("base.json", {"about": "base", "trainer": "dit", "shards": {"clips": 12000, "seed": 1},
                                 "settings": {"lr": 8e-4, "steps": 2418, "motion-weight": 0}})
        child = self.write("child.json", {"extends": "base.json", "shards": {"seed": 2},
                                          "settings": {"steps": 5300, "motion-weight": None}})
        r = resolve(child)
        self.assertEqual(r["trainer"], "dit")
        self.assertEqual(r["about"], "")                               # not inherited
        self.assertEqual(r["shards"], {"clips": 12000, "seed": 2})
        self.assertEqual((r["settings"]["lr"], r["settings"]["steps"]), (8e-4, 5300))
        self.assertEqual(r["settings"]["motion-weight"], 3.0)

    def test_unknown_keys_are_named(self):
        msg = self.error({"trainer": "dit", "settings": {"translation_weight": 3}})
        self.assertIn("'translation_weight'", msg)
        self.assertIn("did you mean 'translation-weight'", msg)
        self.assertIn("bad.json", msg)
        self.assertIn("'setings'", self.error({"trainer": "dit", "setings": {}}))
        self.assertIn("'clip'", self.error({"trainer": "dit", "shards": {"clip": 10}}))
        self.assertIn("'trainer'", self.error({"settings": {"lr": 1e-3}}))
        self.assertIn("'kl'", self.error({"trainer": "dit", "settings": {"kl": 1e-6}}))   # a VAE flag, not the DiT's

    def test_bad_values_are_named(self):
        self.assertIn("settings.steps", self.error({"trainer": "dit", "settings": {"steps": "many"}}))
        self.assertIn("settings.schedule", self.error({"trainer": "dit", "settings": {"schedule": "linear"}}))
        self.assertIn("settings.layout", self.error({"trainer": "dit", "settings": {"layout": 1}}))
        self.assertIn("settings.lr", self.error({"trainer": "dit", "settings": {"lr": [1e-3]}}))
        self.assertIn("shards.clips", self.error({"trainer": "dit", "shards": {"clips": "12k"}}))

    def test_extends_in_a_circle_is_an_error(self):
        self.write("a.json", {"extends": "b.json", "trainer": "dit"})
        b = self.write("b.json", {"extends": "a.json"})
        with self.assertRaises(ConfigError) as e:
            read_config(b)
        self.assertIn("circle", str(e.exception))

    def test_run_show_prints_one_field_and_names_a_bad_config(self):
        path = self.write("run.json", {"trainer": "vae", "settings": {"steps": 1500, "freeze-encoder": True}})
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            run.main([path, "--steps", "700", "--show", "settings.steps"])
        self.assertEqual(out.getvalue().strip(), "700")
        with contextlib.redirect_stdout(io.StringIO()) as out:
            run.main([path, "--show"])
        self.assertTrue(json.loads(out.getvalue())["settings"]["freeze-encoder"])
        bad = self.write("typo.json", {"trainer": "vae", "settings": {"stpes": 10}})
        with self.assertRaises(SystemExit) as e:
            run.main([bad])
        self.assertIn("'stpes'", str(e.exception))


class ShippedConfigs(unittest.TestCase):
    def test_every_config_fits_its_trainer(self):
        paths = glob.glob(os.path.join(CONFIGS, "**", "*.json"), recursive=True)
        self.assertGreater(len(paths), 10)
        for path in paths:
            with self.subTest(path=os.path.relpath(path, CONFIGS)):
                r = resolve(path)
                self.assertTrue(r["about"], "every config says what it is for")

    def test_reproduce_runs_every_session_in_order(self):
        with open(os.path.join(TRAIN, "reproduce.sh")) as f:
            script = f.read()
        listed = re.search(r"SESSIONS=\(([^)]*)\)", script).group(1).split()
        files = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(CONFIGS, "shipped-pack", "dit-*.json")))
        self.assertEqual(listed, files)
        ends = [resolve(os.path.join(CONFIGS, "shipped-pack", n + ".json"))["settings"]["steps"] for n in listed]
        self.assertEqual(ends, sorted(ends))
        self.assertEqual(ends[-1], 45728)            # the shipped pack's DiT step (model card)


class SmokeRun(unittest.TestCase):
    def test_smoke_config_trains_through_run_py(self):
        from test_state import write_latents
        with tempfile.TemporaryDirectory() as tmp:
            latents, out = os.path.join(tmp, "latents"), os.path.join(tmp, "smoke")
            write_latents(latents)
            with contextlib.redirect_stdout(io.StringIO()):
                run.main([os.path.join(CONFIGS, "smoke.json"), "--latents", latents, "--out", out,
                          "--vae", os.path.join(tmp, "no-vae"), "--steps", "3", "--threads", "1",
                          "--min-frames", "3"])     # the fixture clips have 5 frames
            self.assertEqual(checkpoint.read(os.path.join(out, "ckpt.pt"))["step"], 3)
            with open(os.path.join(out, "train.log")) as f:
                self.assertIn("step 3 loss", f.read())


if __name__ == "__main__":
    unittest.main()
