// Small pixel helpers shared by the scorer. Everything works on RGB24 frames (engine/types.ts).
import type { Clip, RgbFrame } from "../types.ts";

export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return n % 2 ? sorted[(n - 1) / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/** q-quantile (0..1) by nearest rank. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))];
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : NaN;
}

/** Per-pixel absolute differences (mean over the 3 channels) between two same-sized frames. */
export function absDiff(a: RgbFrame, b: RgbFrame): Float32Array {
  const n = a.width * a.height;
  const out = new Float32Array(n);
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    out[p] = (Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2])) / 3;
  }
  return out;
}

/** Mean absolute difference between two frames in grey levels (0..255). */
export function frameDistance(a: RgbFrame, b: RgbFrame): number {
  return mean(absDiff(a, b));
}

/** Build a Clip from renderScene's packed `frames × H × W × 3` buffer. */
export function clipFromPacked(data: Uint8Array, width: number, height: number, frames: number, fps = 8): Clip {
  const size = width * height * 3;
  if (data.length !== size * frames) throw new Error(`packed clip has ${data.length} bytes, expected ${size * frames}`);
  const out: RgbFrame[] = [];
  for (let t = 0; t < frames; t++) out.push({ width, height, data: data.subarray(t * size, (t + 1) * size) });
  return { width, height, fps, frames: out };
}
