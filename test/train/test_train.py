"""Unit tests for engine/train's contract-bearing pieces (CONTRACTS §3, §4, §6).
Run: /usr/bin/python3 -m unittest discover -s test/train -p 'test_*.py'"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "engine", "train"))

import torch  # noqa: E402

from caption_labels import (  # noqa: E402
    TRANSLATIONS, CaptionHead, caption_loss, label_names, multi_hot, scene_labels, translates,
)
from dit import DiT, frame_ramp  # noqa: E402
from flow import flow_loss, known_frames, motion_emphasis, noisy_inputs, shift_time, train_times  # noqa: E402
from patches import patchify, sincos_pos, unpatchify  # noqa: E402
from text_encoder import TextEncoder  # noqa: E402
from tokenizer import build_vocab, encode, encode_batch, words  # noqa: E402

torch.set_num_threads(1)


class Tokenizer(unittest.TestCase):
    def test_words_and_ids(self):
        self.assertEqual(words("A Red-circle, moves LEFT!"), ["a", "red", "circle", "moves", "left"])
        vocab = build_vocab(["a red circle", "blue star"])
        self.assertEqual([vocab[w] for w in ("<pad>", "<unk>", "<bos>")], [0, 1, 2])
        self.assertEqual(encode("", vocab), [2])
        self.assertEqual(encode("red zebra", vocab), [2, vocab["red"], 1])
        self.assertEqual(len(encode(" ".join(["a"] * 100), vocab)), 40)
        b = encode_batch(["red", "a blue star"], vocab)
        self.assertEqual(b.tolist(), [[2, vocab["red"], 0, 0], [2, vocab["a"], vocab["blue"], vocab["star"]]])


class Patches(unittest.TestCase):
    def test_layout_and_inverse(self):
        z = torch.randn(2, 3, 8, 4, 6)
        tok = patchify(z)
        self.assertEqual(tuple(tok.shape), (2, 3, 6, 32))
        b, f, c, py, px, dy, dx = 1, 2, 5, 1, 2, 1, 0
        self.assertEqual(tok[b, f, py * 3 + px, c * 4 + dy * 2 + dx], z[b, f, c, 2 * py + dy, 2 * px + dx])
        self.assertTrue(torch.equal(unpatchify(tok, 4, 6), z))

    def test_sincos(self):
        pos = sincos_pos(3, 2, 4, 128)
        n = 128 // 6
        self.assertEqual(tuple(pos.shape), (3, 8, 128))
        f, y, x, k = 2, 1, 3, 5
        s = y * 4 + x
        w = 10000 ** (-k / n)
        import math
        self.assertAlmostEqual(float(pos[f, s, k]), math.sin(f * w), places=6)
        self.assertAlmostEqual(float(pos[f, s, n + k]), math.cos(f * w), places=6)
        self.assertAlmostEqual(float(pos[f, s, 2 * n + k]), math.sin(y * w), places=6)
        self.assertAlmostEqual(float(pos[f, s, 5 * n + k]), math.cos(x * w), places=6)
        self.assertTrue(torch.all(pos[..., 6 * n:] == 0))


class Flow(unittest.TestCase):
    def test_known_frames_are_clean_and_unweighted(self):
        g = torch.Generator().manual_seed(0)
        known = known_frames(64, 17, g, p_cond=1.0)
        self.assertTrue(known.any(dim=1).all())
        self.assertFalse(known.all(dim=1).any())
        x0 = torch.randn(64, 17, 4, 8)
        x_t, tf, target, weight = noisy_inputs(x0, torch.full((64,), 0.7), known, g)
        self.assertTrue(torch.equal(x_t[known], x0[known]))
        self.assertTrue(torch.all(tf[known] == 0) and torch.all(tf[~known] == 0.7))
        v = target.clone()
        v[known] += 100.0                     # errors on known frames must not count
        self.assertEqual(float(flow_loss(v, target, weight)), 0.0)

    def test_motion_emphasis_weights_what_moves(self):
        z = torch.zeros(2, 9, 3, 4, 4)
        for f in range(9):                     # clip 0: a blob walks along row 1; clip 1 stays still
            z[0, f, :, 1, f % 4] = 2.0
        z[1, :, :, 2, 2] = 2.0
        w = motion_emphasis(z, 3.0)
        self.assertEqual(tuple(w.shape), (2, 9, 1, 4, 4))
        self.assertTrue(torch.all(w[1] == 1.0))                      # nothing moves: the plain loss
        self.assertEqual(float(w[0, 0, 0, 1, 0]), 4.0)              # where the blob is: 1 + strength
        self.assertEqual(float(w[0, 0, 0, 3, 3]), 1.0)              # background
        # emphasis re-weights within a frame: an error only on the blob costs more than the same error elsewhere
        target = torch.zeros(1, 1, 4, 1)
        emph = torch.tensor([4.0, 1.0, 1.0, 1.0]).reshape(1, 1, 4, 1)
        on_blob, off_blob = target.clone(), target.clone()
        on_blob[0, 0, 0, 0], off_blob[0, 0, 1, 0] = 1.0, 1.0
        ones = torch.ones(1, 1)
        self.assertGreater(float(flow_loss(on_blob, target, ones, emph)), float(flow_loss(off_blob, target, ones, emph)))
        self.assertAlmostEqual(float(flow_loss(on_blob, target, ones, torch.ones_like(emph))),
                               float(flow_loss(on_blob, target, ones)))

    def test_train_times_cover_the_samplers_first_steps(self):
        g = torch.Generator().manual_seed(2)
        plain = train_times(20000, g)
        mixed = train_times(20000, g, uniform_frac=0.5, shift=2.0)
        self.assertTrue(bool(((plain > 0) & (plain < 1)).all() and ((mixed >= 0) & (mixed <= 1)).all()))
        # logit-normal alone: ~0.2 % above 0.95; half drawn as the shifted sampler walks: ~5 %
        self.assertLess(float((plain > 0.95).float().mean()), 0.01)
        self.assertGreater(float((mixed > 0.95).float().mean()), 0.03)
        self.assertAlmostEqual(float(shift_time(torch.tensor(0.5), 2.0)), 2 / 3, places=6)
        self.assertEqual(float(shift_time(torch.tensor(1.0), 3.0)), 1.0)

    def test_unconditioned_share(self):
        g = torch.Generator().manual_seed(1)
        share = known_frames(4000, 17, g, p_cond=0.4).any(dim=1).float().mean().item()
        self.assertAlmostEqual(share, 0.4, delta=0.03)


class CaptionLabels(unittest.TestCase):
    SCENES = [
        {"objects": [{"color": "red", "shape": "ball", "motion": "left"}]},
        {"objects": [{"color": "red", "shape": "ball", "motion": "right"},
                     {"color": "blue", "shape": "star", "motion": "diagonal", "diagonal": "up-left"}]},
    ]

    def test_labels_name_direction_pairs_and_count(self):
        self.assertEqual(scene_labels(self.SCENES[0]), ["colour+motion:red+left", "colour+shape:red+ball",
                                                        "colour:red", "count:1", "motion:left", "shape:ball"])
        two = scene_labels(self.SCENES[1])
        self.assertIn("motion:diagonal:up-left", two)
        self.assertIn("colour+motion:blue+diagonal:up-left", two)
        self.assertIn("count:2", two)
        names = label_names([self.SCENES])
        hot = multi_hot(self.SCENES + [{"objects": [{"color": "green", "shape": "ring", "motion": "spin"}]}], names)
        self.assertEqual(hot.shape, (3, len(names)))
        self.assertEqual(hot[0].sum(), 6)
        self.assertEqual(hot[0, names.index("motion:left")], 1)
        self.assertEqual(hot[1, names.index("motion:left")], 0)
        self.assertEqual(hot[2].sum(), 1)          # count:1; labels the run never saw are left out, not an error

    def test_translates_names_the_scored_motions(self):
        self.assertTrue(translates(self.SCENES[0]))
        self.assertTrue(translates({"objects": [{"motion": "spin"}, {"motion": "diagonal"}]}))
        self.assertFalse(translates({"objects": [{"motion": "orbit"}, {"motion": "still"}]}))

    def test_translations_match_the_renderers(self):
        # caption_labels.TRANSLATIONS copies engine/synth/motion.ts's list (Python cannot import it): keep them equal.
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "engine", "synth", "motion.ts")) as f:
            src = f.read()
        m = re.search(r"export const TRANSLATIONS[^=]*= \[([^\]]*)\]", src)
        self.assertIsNotNone(m)
        self.assertEqual(tuple(re.findall(r'"(\w+)"', m.group(1))), TRANSLATIONS)

    def test_loss_ignores_dropped_captions(self):
        labels = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        good = torch.tensor([[9.0, -9.0], [-9.0, 9.0]])
        bad = -good
        captioned = torch.tensor([True, False])
        mixed = torch.stack([good[0], bad[1]])       # wrong only on the dropped caption
        self.assertLess(float(caption_loss(mixed, labels, captioned)), 1e-3)
        self.assertGreater(float(caption_loss(bad, labels, captioned)), 5.0)
        self.assertEqual(tuple(CaptionHead(16, 7)(torch.randn(3, 16)).shape), (3, 7))


class Models(unittest.TestCase):
    def test_text_padding_invariance(self):
        te = TextEncoder(20).eval()
        a = torch.tensor([[2, 5, 7]])
        b = torch.tensor([[2, 5, 7, 0, 0]])
        ha, pa = te(a)
        hb, pb = te(b)
        self.assertTrue(torch.allclose(pa, pb, atol=1e-5))
        self.assertTrue(torch.allclose(ha, hb[:, :3], atol=1e-5))

    def test_dit_shapes_zero_init_and_text_padding(self):
        torch.manual_seed(0)
        dit = DiT(depth=2).eval()
        for f, h, w in ((3, 4, 6), (1, 8, 4)):
            x = torch.randn(2, f, (h // 2) * (w // 2), 32)
            out = dit(x, torch.rand(2, f), sincos_pos(f, h // 2, w // 2, 128), torch.randn(2, 5, 128),
                      torch.ones(2, 5), torch.randn(2, 128))
            self.assertEqual(out.shape, x.shape)
            self.assertTrue(torch.all(out == 0))                    # zero-initialised output layer
        with torch.no_grad():
            for p in dit.parameters():
                if not p.any():
                    p.normal_(0, 0.02)
        x, t, pos = torch.randn(1, 2, 4, 32), torch.rand(1, 2), sincos_pos(2, 2, 2, 128)
        txt, pooled = torch.randn(1, 3, 128), torch.randn(1, 128)
        pad = torch.cat([txt, torch.randn(1, 2, 128)], dim=1)   # extra, masked-out words
        v1 = dit(x, t, pos, txt, torch.ones(1, 3), pooled)
        v2 = dit(x, t, pos, pad, torch.tensor([[1.0, 1, 1, 0, 0]]), pooled)
        self.assertTrue(torch.allclose(v1, v2, atol=1e-5))


    def test_frame_ramp_is_centred_with_a_fixed_slope(self):
        r17, r5 = frame_ramp(torch.zeros(2, 17)), frame_ramp(torch.zeros(3, 5))
        self.assertEqual(tuple(r17.shape), (1, 17, 1))
        self.assertAlmostEqual(float(r17.sum()), 0.0, places=5)
        self.assertAlmostEqual(float(r17[0, 0, 0]), -1.0, places=6)          # 8 frames before the middle
        self.assertAlmostEqual(float(r5[0, 1, 0] - r5[0, 0, 0]), float(r17[0, 1, 0] - r17[0, 0, 0]), places=6)

    def test_text_motion_starts_as_a_no_op_and_then_varies_over_frames(self):
        torch.manual_seed(1)
        with_it, without = DiT(depth=1).eval(), DiT(depth=1, text_motion=False).eval()
        with torch.no_grad():
            for p in without.parameters():
                p.normal_(0, 0.05)
        missing = with_it.load_state_dict(without.state_dict(), strict=False).missing_keys
        self.assertEqual(sorted(missing), ["text_motion.bias", "text_motion.weight"])
        x, t, pos = torch.randn(1, 5, 4, 32), torch.full((1, 5), 0.7), sincos_pos(5, 2, 2, 128)
        txt, pooled = torch.randn(1, 3, 128), torch.randn(1, 128)
        args = (x, t, pos, txt, torch.ones(1, 3), pooled)
        self.assertTrue(torch.allclose(with_it(*args), without(*args), atol=1e-6))
        with torch.no_grad():
            with_it.text_motion.weight.normal_(0, 0.05)
        self.assertFalse(torch.allclose(with_it(*args), without(*args), atol=1e-6))
        one = (x[:, :1], t[:, :1], pos[:1], txt, torch.ones(1, 3), pooled)      # one frame: its ramp is 0
        self.assertTrue(torch.allclose(with_it(*one), without(*one), atol=1e-6))


class Guard(unittest.TestCase):
    """A non-finite gradient never reaches the weights; a run of them brings back the last kept state."""

    def test_skips_then_restores(self):
        from ema import EMA
        from guard import DivergenceGuard
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 2)
        opt = torch.optim.AdamW(model.parameters(), lr=0.1)
        ema = EMA(model, 0.9)
        guard = DivergenceGuard(model, opt, ema, keep_every=2, patience=3)

        def grad_step(x):
            opt.zero_grad()
            model(x).sum().backward()
            return torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)

        for step in (1, 2):
            self.assertTrue(guard.step_ok(grad_step(torch.ones(1, 3))))
            opt.step()
            guard.after_step(step)
        kept = {k: v.clone() for k, v in model.state_dict().items()}
        self.assertTrue(guard.step_ok(grad_step(torch.ones(1, 3))))
        opt.step()                                     # step 3 moves the weights away from what was kept
        moved = {k: v.clone() for k, v in model.state_dict().items()}
        self.assertFalse(torch.equal(moved["weight"], kept["weight"]))
        bad = torch.tensor([[float("nan"), 1.0, 1.0]])
        for i in range(2):
            self.assertFalse(guard.step_ok(grad_step(bad)))
            self.assertIsNone(guard.after_skip())
            self.assertTrue(torch.equal(model.weight, moved["weight"]))     # skipped: weights untouched
        self.assertFalse(guard.step_ok(grad_step(bad)))
        self.assertIn("restored", guard.after_skip())
        self.assertTrue(torch.equal(model.weight, kept["weight"]))
        self.assertEqual((guard.lr_scale, guard.restores, guard.skipped_total), (0.5, 1, 3))
        self.assertTrue(all(torch.isfinite(p).all() for p in ema.model.parameters()))


class Budget(unittest.TestCase):
    """--minutes: the last step follows the measured speed, re-estimated as it changes."""

    def test_end_follows_measured_speed(self):
        import budget
        clock = {"t": 1000.0}
        real_time = budget.time.time
        budget.time.time = lambda: clock["t"]
        try:
            b = budget.StepBudget(minutes=2, start_step=500)          # 120 s from t = 1000
            ends = {}
            for step in range(501, 1301):
                clock["t"] += 2.0 if step <= 510 else (0.5 if step <= 560 else 0.25)   # slow start, then faster
                got = b.update(step)
                if got:
                    ends[step] = got
        finally:
            budget.time.time = real_time
        self.assertEqual(sorted(ends), [560, 800])                    # steps 60 and 300 of the run
        self.assertEqual(ends[560], (560 + int((120 - 45) / 0.5), 0.5))   # the slow first 10 steps not counted
        self.assertGreater(ends[800][0], ends[560][0])                # faster since: the end moves later
        last, per_step = ends[800]
        self.assertAlmostEqual(per_step, (25 + 240 * 0.25) / 290)
        self.assertEqual(last, 800 + int((120 - (20 + 25 + 60)) / per_step))


class Quantize(unittest.TestCase):
    """quantize_int8: weight MatMuls become onnxruntime's dynamic-quantization pattern; nothing else changes."""

    def test_weights_and_graph(self):
        try:
            import numpy as np
            from onnx import TensorProto, helper, numpy_helper
        except ImportError:
            self.skipTest("the onnx package is not installed")
        import quantize_int8
        rng = np.random.default_rng(0)
        w = rng.standard_normal((16, 8)).astype(np.float32)
        q, scale = quantize_int8.quantize_weight(w)
        self.assertEqual(q.dtype, np.int8)
        self.assertLessEqual(int(np.abs(q).max()), quantize_int8.WEIGHT_LEVELS)
        self.assertLessEqual(float(np.abs(q * scale - w).max()), float(scale.max()) / 2 + 1e-6)   # rounding only
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 8])
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["x", "w"], ["h"], name="proj"),
             helper.make_node("MatMul", ["h", "h_t"], ["y"], name="activations")],        # no weight: stays float
            "g", [x, helper.make_tensor_value_info("h_t", TensorProto.FLOAT, [8, 8])], [y], [numpy_helper.from_array(w, "w")])
        model, done = quantize_int8.quantize_model(helper.make_model(graph))
        self.assertEqual(done, 1)
        self.assertEqual([n.op_type for n in model.graph.node],
                         ["DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul", "MatMul"])
        self.assertNotIn("w", [i.name for i in model.graph.initializer])          # the float copy is dropped
        self.assertEqual(model.graph.node[4].output[0], "h")                       # consumers see the same name


class Grow(unittest.TestCase):
    """A deepened DiT computes what the trained one did, and its new blocks can learn (their gates get gradients)."""

    def test_same_function_then_trainable(self):
        from grow import grow_blocks, insert_after
        self.assertEqual(insert_after(6, 8), [2, 5])
        self.assertEqual(insert_after(6, 7), [5])
        torch.manual_seed(0)
        small = DiT(depth=3).eval()
        with torch.no_grad():
            for p in small.parameters():
                p.add_(torch.randn_like(p) * 0.05)         # trained-looking: open gates, non-zero output
        weights, fresh = grow_blocks(small.state_dict(), "blocks.", 3, 5)
        self.assertEqual(fresh, [1, 4])                     # copies of blocks 0 and 2
        big = DiT(depth=5).eval()
        big.load_state_dict(weights)
        x, t, pos = torch.randn(1, 3, 4, 32), torch.rand(1, 3), sincos_pos(3, 2, 2, 128)
        args = (x, t, pos, torch.randn(1, 3, 128), torch.ones(1, 3), torch.randn(1, 128))
        self.assertGreater(float(small(*args).abs().mean()), 1e-3)
        self.assertTrue(torch.allclose(big(*args), small(*args), atol=1e-5))
        self.assertTrue(torch.equal(big.blocks[1].attn.qkv.weight, small.blocks[0].attn.qkv.weight))
        big(*args).square().sum().backward()
        self.assertGreater(float(big.blocks[1].ada.weight.grad.abs().sum()), 0.0)
        self.assertGreater(float(big.blocks[4].cross.proj.weight.grad.abs().sum()), 0.0)


class CaptionHeadWarmup(unittest.TestCase):
    """While the head is detached it still learns, but its loss leaves the text encoder alone."""

    def test_detached_head_spares_the_encoder(self):
        from train_dit import Joint
        torch.manual_seed(0)
        dit_cfg = {"patch_dim": 32, "dim": 128, "depth": 1, "heads": 4, "text_dim": 128, "mlp_ratio": 4}
        model = Joint(20, dit_cfg, {"dim": 128, "heads": 4, "layers": 1}, n_labels=5)
        x, t, pos = torch.randn(1, 2, 4, 32), torch.rand(1, 2), sincos_pos(2, 2, 2, 128)
        ids = torch.tensor([[2, 5, 7]])
        for detached, encoder_learns in ((True, False), (False, True)):
            model.zero_grad(set_to_none=True)
            model.head_detached = detached
            _, logits = model(x, t, pos, ids)
            logits.square().sum().backward()
            grads = [p.grad for p in model.text_encoder.parameters() if p.grad is not None]
            self.assertEqual(any(bool(g.abs().sum() > 0) for g in grads), encoder_learns)
            self.assertGreater(float(model.caption_head.net[-1].weight.grad.abs().sum()), 0.0)    # the head learns


if __name__ == "__main__":
    unittest.main()
