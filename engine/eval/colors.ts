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
