// Naming an object's colour: nearest palette colour of the synthetic domain.
import { COLORS, OBJECT_RGB } from "./synth-bridge.ts";
import type { ColorName } from "./synth-bridge.ts";

/** Nearest named object colour (RGB Euclidean; the palette's hues are far apart by design). */
export function nearestColor(r: number, g: number, b: number): { name: ColorName; dist: number } {
  let name: ColorName = COLORS[0];
  let dist = Infinity;
  for (const c of COLORS) {
    const [pr, pg, pb] = OBJECT_RGB[c];
    const d = Math.hypot(r - pr, g - pg, b - pb);
    if (d < dist) {
      dist = d;
      name = c;
    }
  }
  return { name, dist };
}

/** Below this share of the way from the background to a colour, a pixel says too little about that colour. */
const MIN_BLEND = 0.3;

/**
 * The named colour that best explains `rgb` as a blend of the background and that colour: a small, blurred object
 * (a model's thin ring) never reaches its full colour, but its pixels still lie on the line from the background
 * towards it. Returns the colour whose line passes closest, with the blend share at that point.
 */
export function colourAlongLine(
  rgb: readonly number[], bg: readonly number[],
): { name: ColorName; residual: number; alpha: number } {
  let best = { name: COLORS[0], residual: Infinity, alpha: 0 };
  for (const c of COLORS) {
    const v = OBJECT_RGB[c].map((x, k) => x - bg[k]);
    const p = rgb.map((x, k) => x - bg[k]);
    const vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    if (vv === 0) continue;
    const alpha = Math.min(1, Math.max(MIN_BLEND, (p[0] * v[0] + p[1] * v[1] + p[2] * v[2]) / vv));
    const residual = Math.hypot(p[0] - alpha * v[0], p[1] - alpha * v[1], p[2] - alpha * v[2]);
    if (residual < best.residual) best = { name: c, residual, alpha };
  }
  return best;
}
