// Model-like damage to clean clips, for checking that the scorer still reads what a blurry, noisy model output shows
// (and for the flicker test). Deterministic for a given seed.
import type { Clip, RgbFrame } from "../types.ts";
import { Rng } from "./synth-bridge.ts";

export interface Degradation {
  /** Passes of a 3×3 binomial blur (σ ≈ 0.7 px per pass); a VAE at ÷8 softens edges about this much. */
  blur?: number;
  /** Per-pixel, per-frame Gaussian noise (grey levels). */
  noise?: number;
  /** A fixed per-channel colour shift drawn from ±shift for the whole clip (a model's off shade). */
  shift?: number;
  /** Per-frame brightness offset drawn from ±jitter (global flicker). */
  jitter?: number;
  seed?: number;
}

export function degradeClip(clip: Clip, d: Degradation): Clip {
  const rng = new Rng(d.seed ?? 1);
  const shift = [0, 1, 2].map(() => rng.range(-(d.shift ?? 0), d.shift ?? 0));
  const frames = clip.frames.map((f): RgbFrame => {
    let src: Float32Array = Float32Array.from(f.data);
    for (let k = 0; k < (d.blur ?? 0); k++) src = binomialBlur(src, f.width, f.height);
    const flick = rng.range(-(d.jitter ?? 0), d.jitter ?? 0);
    const data = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const n = d.noise ? rng.gaussian(0, d.noise) : 0;
      data[i] = Math.max(0, Math.min(255, Math.round(src[i] + shift[i % 3] + flick + n)));
    }
    return { width: f.width, height: f.height, data };
  });
  return { ...clip, frames };
}

/** Separable [1 2 1]/4 blur with clamped edges. */
function binomialBlur(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const at = (x: number, y: number, c: number) => (y * w + x) * 3 + c;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = Math.max(0, x - 1), r = Math.min(w - 1, x + 1);
      for (let c = 0; c < 3; c++) tmp[at(x, y, c)] = 0.25 * src[at(l, y, c)] + 0.5 * src[at(x, y, c)] + 0.25 * src[at(r, y, c)];
    }
  }
  for (let y = 0; y < h; y++) {
    const u = Math.max(0, y - 1), dn = Math.min(h - 1, y + 1);
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) out[at(x, y, c)] = 0.25 * tmp[at(x, u, c)] + 0.5 * tmp[at(x, y, c)] + 0.25 * tmp[at(x, dn, c)];
    }
  }
  return out;
}
