"""The layout input (CONTRACTS §8): Python builds the same tensors as engine/synth/layout.ts.

The fixture is written by TypeScript: npx tsx engine/synth/layout-cli.ts --fixture test/train/fixtures/layout.json
Run: /usr/bin/python3 -m unittest discover -s test/train -p 'test_*.py'"""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "engine", "train"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from layout import ClipTracks, LayoutSpec, build_layout  # noqa: E402

torch.set_num_threads(1)

with open(os.path.join(HERE, "fixtures", "layout.json")) as _f:
    FIXTURE = json.load(_f)
SPEC = LayoutSpec(FIXTURE)


def python_layout(item):
    o = SPEC.max_objects
    tracks = torch.zeros(1, item["frames"], o, len(FIXTURE["point"]))
    attrs = torch.full((1, o, 3), -1, dtype=torch.long)
    for k, a in enumerate(item["attrs"]):
        attrs[0, k] = torch.tensor(a)
    for f, points in enumerate(item["tracks"]):
        for k, p in enumerate(points):
            tracks[0, f, k] = torch.tensor(p)
    return build_layout(SPEC, tracks, attrs, item["width"], item["height"])[0]


class Layout(unittest.TestCase):
    def test_python_equals_typescript(self):
        for item in FIXTURE["items"]:
            ts = torch.tensor(item["layout"]).reshape(item["frames"], -1, len(SPEC.channels))
            py = python_layout(item)
            self.assertEqual(tuple(py.shape), tuple(ts.shape))
            self.assertLess(float((py - ts).abs().max()), 1e-4, item["scene"])

    def test_channels_mean_what_they_say(self):
        item = next(it for it in FIXTURE["items"] if len(it["attrs"]) == 1)
        lay = python_layout(item)
        ch = SPEC.channels
        self.assertTrue(torch.all(lay[..., ch.index("layout")] == 1))
        color, shape, size = item["attrs"][0]
        occupied = lay[..., ch.index("occupied")]
        self.assertGreater(float(occupied.sum()), 0)
        # One object: its colour, shape and size channels are its coverage, every other attribute channel is zero.
        for group, k in (("color:", color), ("shape:", shape), ("size:", size)):
            idx = [i for i, c in enumerate(ch) if c.startswith(group)]
            self.assertTrue(torch.allclose(lay[..., idx[k]], occupied))
            others = [i for j, i in enumerate(idx) if j != k]
            self.assertEqual(float(lay[..., others].abs().sum()), 0.0)
        # Covered area ≈ the disc's area in tokens while the object is inside the frame (frame 0).
        x, y, r = item["tracks"][0][0][:3]
        if 0.2 < x < 0.8 and 0.2 < y < 0.8:
            area = np.pi * (r * min(item["width"], item["height"])) ** 2 / SPEC.token_px ** 2
            self.assertAlmostEqual(float(occupied[0].sum()), area, delta=0.08 * area)

    def test_offsets_point_at_the_centre(self):
        spec, o = SPEC, SPEC.max_objects
        tracks = torch.zeros(1, 1, o, 3)
        tracks[0, 0, 0] = torch.tensor([(16 + 5) / 64, (32 + 8) / 64, 0.05])   # a small disc in token (row 2, col 1)
        attrs = torch.full((1, o, 3), -1, dtype=torch.long)
        attrs[0, 0] = torch.tensor([0, 0, 0])
        lay = build_layout(spec, tracks, attrs, 64, 64)[0, 0]
        s = 2 * 4 + 1
        cov = float(lay[s, 1])
        self.assertGreater(cov, 0.1)
        self.assertAlmostEqual(float(lay[s, 2]) / cov, 5 / 16 - 0.5, places=5)
        self.assertAlmostEqual(float(lay[s, 3]) / cov, 0.0, places=5)
        self.assertEqual(float(lay[:, 1].sum()), cov)                      # nothing spills into other tokens

    def test_clip_tracks_read_the_cli_files(self):
        items = [it for it in FIXTURE["items"] if it["width"] == 64 and it["height"] == 64]
        frames = min(it["frames"] for it in items)
        o = SPEC.max_objects
        raw = np.zeros((len(items), frames, o, len(FIXTURE["point"])), "<f4")
        for n, it in enumerate(items):
            for f in range(frames):
                for k, p in enumerate(it["tracks"][f]):
                    raw[n, f, k] = p
        with tempfile.TemporaryDirectory() as d:
            raw.tofile(os.path.join(d, "1x1.layout.f32"))
            with open(os.path.join(d, "1x1.layout.json"), "w") as f:
                json.dump({**SPEC.header(), "point": FIXTURE["point"], "frames": frames, "width": 64, "height": 64,
                           "attrs": [it["attrs"] for it in items]}, f)
            ct = ClipTracks(d, "1x1")
        window = torch.tensor([[2, 3, 4]] * len(items))
        got = ct.layout(torch.arange(len(items)), window)
        for n, it in enumerate(items):
            want = torch.tensor(it["layout"]).reshape(it["frames"], -1, len(SPEC.channels))[2:5]
            self.assertLess(float((got[n] - want).abs().max()), 1e-4)


class DiTLayoutInput(unittest.TestCase):
    def make(self):
        from dit import DiT
        torch.manual_seed(0)
        dit = DiT(patch_dim=32, dim=48, depth=1, heads=2, text_dim=48, layout_channels=len(SPEC.channels))
        with torch.no_grad():                     # a trained-looking model: every zero-init weight non-zero
            for n, p in dit.named_parameters():
                if not n.startswith("layout.") and p.dim() >= 2 and not p.any():
                    p.normal_(0, 0.05)
        args = (torch.randn(2, 3, 4, 32), torch.rand(2, 3), torch.randn(3, 4, 48), torch.randn(2, 5, 48),
                torch.ones(2, 5), torch.randn(2, 48))
        return dit, args

    def test_starts_as_a_no_op_and_zero_means_none(self):
        dit, args = self.make()
        lay = torch.rand(2, 3, 4, len(SPEC.channels))
        base = dit(*args)
        self.assertTrue(torch.equal(dit(*args, lay), base))                   # zero-initialised projection
        with torch.no_grad():
            dit.layout[2].weight.normal_(0, 0.05)
        self.assertFalse(torch.allclose(dit(*args, lay), base))
        self.assertTrue(torch.equal(dit(*args, torch.zeros_like(lay)), dit(*args)))   # all zeros = no layout

    def test_onnx_export_has_the_input_with_dynamic_axes(self):
        import io
        import onnx
        from onnx_export import specs
        dit, args = self.make()
        src = {"dit": dit}
        names, outs, axes = specs(src)["transformer"]
        self.assertEqual(names[-1], "layout")
        buf = io.BytesIO()
        with torch.no_grad():
            torch.onnx.export(dit, args + (torch.rand(2, 3, 4, len(SPEC.channels)),), buf, input_names=names,
                              output_names=outs, dynamic_axes=axes, opset_version=17)
        graph = onnx.load_from_string(buf.getvalue()).graph
        lay = next(i for i in graph.input if i.name == "layout")
        dims = [d.dim_param or d.dim_value for d in lay.type.tensor_type.shape.dim]
        self.assertEqual(dims, ["B", "F", "S", len(SPEC.channels)])


if __name__ == "__main__":
    unittest.main()
