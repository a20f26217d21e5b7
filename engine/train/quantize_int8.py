"""Dynamic int8 quantization of a pack's transformer (the denoiser), for faster CPU inference.

Every MatMul whose right-hand side is a weight becomes the pattern onnxruntime fuses into DynamicQuantizeMatMul:
the activations are quantized per call (uint8, per tensor: DynamicQuantizeLinear), the weights once here (int8,
symmetric, one scale per output column), the product is accumulated in int32 and scaled back to float. Attention's
activation-by-activation products (QK^T, AV), the norms and softmax stay float.

Why not onnxruntime.quantization.quantize_dynamic: the Python onnxruntime package is not in Debian and these machines
reach no PyPI; the rewrite is this file, with the `onnx` package alone.

    python3 engine/train/quantize_int8.py engine/models/default/transformer/model.onnx \
        engine/models/default/transformer/model.int8.onnx
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


# 7-bit weights (±63), not ±127: without VNNI, onnxruntime's x86 u8·s8 kernels add pairs of products in int16
# (vpmaddubsw), and 2 · 255 · 127 overflows it; 2 · 255 · 63 does not. onnxruntime's quantizer calls this
# reduce_range. It costs precision (per forward, relative error ~3e-2 against ~2e-2) but gives the same result on
# every x86 CPU, with or without VNNI.
WEIGHT_LEVELS = 63


def quantize_weight(w: np.ndarray, levels: int = WEIGHT_LEVELS):
    """int8 weights and one float scale per output column (symmetric: zero point 0, range ±levels)."""
    scale = np.abs(w).max(axis=0) / levels
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale), -levels, levels).astype(np.int8)
    return q, scale.astype(np.float32)


def quantize_model(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """Rewrite every weight MatMul in place; returns the model and how many were rewritten."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    new_inits = []
    done = 0
    for n in g.node:
        w = inits.get(n.input[1]) if n.op_type == "MatMul" and len(n.input) == 2 else None
        if w is None or len(w.dims) != 2 or w.data_type != TensorProto.FLOAT:
            nodes.append(n)
            continue
        q, scale = quantize_weight(numpy_helper.to_array(w))
        base = f"{n.name or n.output[0]}_int8"
        a, out = n.input[0], n.output[0]
        new_inits += [numpy_helper.from_array(q, f"{base}_w"), numpy_helper.from_array(scale, f"{base}_w_scale")]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [f"{base}_a", f"{base}_a_scale", f"{base}_a_zp"], name=f"{base}_quant"),
            helper.make_node("MatMulInteger", [f"{base}_a", f"{base}_w", f"{base}_a_zp"], [f"{base}_i32"], name=f"{base}_matmul"),
            helper.make_node("Cast", [f"{base}_i32"], [f"{base}_f32"], to=TensorProto.FLOAT, name=f"{base}_cast"),
            helper.make_node("Mul", [f"{base}_a_scale", f"{base}_w_scale"], [f"{base}_scale"], name=f"{base}_scale"),
            helper.make_node("Mul", [f"{base}_f32", f"{base}_scale"], [out], name=f"{base}_rescale"),
        ]
        done += 1
    used = {i for n in nodes for i in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    model.producer_name = "tiny-sora quantize_int8"
    return model, done


def quantize_file(src: str, dst: str) -> int:
    """Quantize src into dst (written atomically); returns how many MatMuls were rewritten."""
    model, done = quantize_model(onnx.load(src))
    onnx.checker.check_model(model)
    tmp = dst + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, dst)
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    a = ap.parse_args()
    done = quantize_file(a.src, a.dst)
    print(f"quantized {done} weight MatMuls: {os.path.getsize(a.src) / 1e6:.1f} MB -> {os.path.getsize(a.dst) / 1e6:.1f} MB ({a.dst})")


if __name__ == "__main__":
    sys.exit(main())
