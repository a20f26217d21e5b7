// Runs a pack's ONNX models in onnxruntime-node on the tensors parity.py dumped and compares with PyTorch's outputs.
// Usage: npx tsx engine/train/parity.ts DIR   (DIR/manifest.json). Exit 1 if any relative error exceeds tolerance.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

interface TensorFile { dtype: "float32" | "int64"; dims: number[]; file: string }
interface Case { shape: string; model: string; inputs: Record<string, TensorFile>; outputs: Record<string, TensorFile> }
interface Manifest { pack: string; tolerance: number; cases: Case[] }

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
  console.log(`pack ${manifest.pack}, tolerance ${manifest.tolerance}`);
  for (const c of manifest.cases) {
    let session = sessions.get(c.model);
    if (!session) {
      session = await ort.InferenceSession.create(join(manifest.pack, c.model, "model.onnx"), {
        executionProviders: ["cpu"],
      });
      sessions.set(c.model, session);
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
      worst = Math.max(worst, err);
      const flag = err <= manifest.tolerance ? "ok" : "FAIL";
      console.log(
        `${c.shape.padEnd(9)} ${c.model.padEnd(13)} ${name.padEnd(13)} [${t.dims.join(",")}] ` +
          `rel ${err.toExponential(2)} ${flag} (${ms.toFixed(0)} ms)`,
      );
    }
  }
  console.log(`worst relative error ${worst.toExponential(2)}`);
  return worst <= manifest.tolerance ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
