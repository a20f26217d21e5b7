// RGB24 frames ⇄ the VAE's float tensors [N, 3, H, W] in [−1, 1].
import type { RgbFrame } from "../types.ts";

export function framesToTensor(frames: readonly RgbFrame[]): Float32Array {
  if (frames.length === 0) return new Float32Array(0);
  const { width: W, height: H } = frames[0];
  const plane = W * H;
  const out = new Float32Array(frames.length * 3 * plane);
  frames.forEach((fr, n) => {
    if (fr.width !== W || fr.height !== H || fr.data.length !== plane * 3) {
      throw new Error(`frame ${n} is ${fr.width}×${fr.height} (${fr.data.length} bytes), expected ${W}×${H}×3`);
    }
    const base = n * 3 * plane;
    for (let i = 0; i < plane; i++) {
      out[base + i] = fr.data[i * 3] / 127.5 - 1;
      out[base + plane + i] = fr.data[i * 3 + 1] / 127.5 - 1;
      out[base + 2 * plane + i] = fr.data[i * 3 + 2] / 127.5 - 1;
    }
  });
  return out;
}

/** Decoder output (≈ [−1, 1]) → RGB24, rounded and clamped. */
export function tensorToFrames(data: Float32Array, count: number, width: number, height: number): RgbFrame[] {
  const plane = width * height;
  if (data.length !== count * 3 * plane) throw new Error(`decoder gave ${data.length} values, expected ${count}×3×${height}×${width}`);
  const frames: RgbFrame[] = [];
  for (let n = 0; n < count; n++) {
    const base = n * 3 * plane;
    const rgb = new Uint8Array(plane * 3);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        const v = Math.round((data[base + c * plane + i] + 1) * 127.5);
        rgb[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
    frames.push({ width, height, data: rgb });
  }
  return frames;
}
