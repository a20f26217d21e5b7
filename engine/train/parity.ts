// Runs a pack's ONNX models in onnxruntime-node on the tensors parity.py dumped and compares with PyTorch's outputs.
// Usage: npx tsx engine/train/parity.ts DIR   (DIR/manifest.json). Exit 1 if any relative error exceeds tolerance.
// The pack's int8 denoiser, where it has one, is held to its own, looser tolerance: quantization error, not a bug,
// is what separates it from PyTorch; the check catches a broken rewrite (wrong scales give errors near 1).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

interface TensorFile { dtype: "float32" | "int64"; dims: number[]; file: string }
interface Case { shape: string; model: string; inputs: Record<string, TensorFile>; outputs: Record<string, TensorFile> }
interface Manifest { pack: string; tolerance: number; int8_tolerance?: number; cases: Case[] }

/** Relative error ‖out − ref‖ / ‖ref‖ of the int8 denoiser, per forward, above which its rewrite is broken. */
const INT8_TOLERANCE = 0.1;

function load(dir: string, t: TensorFile): ort.Tensor {
  const buf = readFileSync(join(dir, t.file));
  // Copy into a fresh ArrayBuffer: Node's pooled Buffers may not be aligned for typed-array views.
  const bytes = new Uint8Array(buf.byteLength);
  bytes.set(buf);
  return t.dtype === "int64"
    ? new ort.Tensor("int64", new BigInt64Array(bytes.buffer), t.dims)
    : new ort.Tensor("float32", new Float32Array(bytes.buffer), t.dims);
}

/** ‖out − ref‖ / ‖ref‖, falling back to the absolute norm when the reference is all zeros. */
function relError(out: Float32Array, ref: Float32Array): number {
  if (out.length !== ref.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = out[i] - ref[i];
    num += d * d;
    den += ref[i] * ref[i];
  }
  if (!Number.isFinite(num)) return Infinity;
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

async function main(): Promise<number> {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: parity.ts DIR");
    return 2;
  }
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  const sessions = new Map<string, ort.InferenceSession>();
  let worst = 0;
  let failed = false;
  const int8Tolerance = manifest.int8_tolerance ?? INT8_TOLERANCE;
  console.log(`pack ${manifest.pack}, tolerance ${manifest.tolerance} (int8 denoiser: ${int8Tolerance})`);
  const runs = manifest.cases.flatMap((c) => {
    const int8 = c.model === "transformer" && existsSync(join(manifest.pack, c.model, "model.int8.onnx"));
    return [{ c, file: "model.onnx", label: c.model, tolerance: manifest.tolerance },
      ...(int8 ? [{ c, file: "model.int8.onnx", label: "transformer8", tolerance: int8Tolerance }] : [])];
  });
  for (const { c, file, label, tolerance } of runs) {
    let session = sessions.get(label);
    if (!session) {
      session = await ort.InferenceSession.create(join(manifest.pack, c.model, file), {
        executionProviders: ["cpu"],
      });
      sessions.set(label, session);
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(c.inputs)) feeds[name] = load(dir, t);
    const started = performance.now();
    const res = await session.run(feeds);
    const ms = performance.now() - started;
    for (const [name, t] of Object.entries(c.outputs)) {
      const got = res[name];
      const shapeOk = got && got.dims.length === t.dims.length && got.dims.every((d, i) => d === t.dims[i]);
      const err = shapeOk ? relError(got.data as Float32Array, load(dir, t).data as Float32Array) : Infinity;
      if (file === "model.onnx") worst = Math.max(worst, err);
      failed ||= !(err <= tolerance);
      const flag = err <= tolerance ? "ok" : "FAIL";
      console.log(
        `${c.shape.padEnd(9)} ${label.padEnd(13)} ${name.padEnd(13)} [${t.dims.join(",")}] ` +
          `rel ${err.toExponential(2)} ${flag} (${ms.toFixed(0)} ms)`,
      );
    }
  }
  console.log(`worst relative error ${worst.toExponential(2)} (float models)`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
