// The layout's `silhouette:<i>` channels (CONTRACTS §8): the objects' true outlines on the layout's point grid.
//
// layout.ts's coverage channels take every object as a disc: they say where an object is and, in its attribute
// channels, which shape it should be — the model must still learn what a "star" looks like from that one number.
// It did not: with the disc layout, changing only the shape channel moved the predicted clip ~10× less than
// changing the colour word (the shape-twin probe), and shape stayed near 37 % on held-out prompts while colour
// reached 92 %. These channels give the outline itself, drawn the way the renderer draws it (shapes.ts's SDFs, the
// track's size, scale and turn, a one-step antialiased edge), at each of the SAMPLES × SAMPLES points of a token, so
// the denoiser learns to fill a given outline with the object's colour: where and what, not only where.

import { SHAPE_SDF } from "./shapes.ts";
import { SHAPES } from "./types.ts";

/** One channel per point of a token's SAMPLES × SAMPLES grid, row-major inside the token. */
export function silhouetteChannels(samples: number): string[] {
  return Array.from({ length: samples * samples }, (_, i) => `silhouette:${i}`);
}

/** An object on one frame, in pixels: centre, radius (the renderer's), turn (radians, clockwise on screen). */
export interface PlacedShape {
  cx: number;
  cy: number;
  r: number;
  angle: number;
  /** Index into SHAPES. */
  shape: number;
}

/**
 * Writes one frame's silhouettes: for every token (row-major over rows × cols) and point of its grid, the union
 * (max) over the objects of clamp(0.5 − sdf·r / step, 0, 1), at channel `first` + point of the token's row at
 * `frameAt` + token·C. Objects under 0.05 px are not drawn, as the renderer skips them.
 */
export function writeSilhouettes(
  out: Float32Array, frameAt: number, C: number, first: number, shapes: PlacedShape[],
  rows: number, cols: number, tokenPx: number, samples: number,
): void {
  const step = tokenPx / samples;
  for (const o of shapes) {
    if (o.r <= 0.05) continue;
    const sdf = SHAPE_SDF[SHAPES[o.shape]];
    const cos = Math.cos(o.angle), sin = Math.sin(o.angle);
    for (let gy = 0; gy < rows * samples; gy++) {
      const dy = ((gy + 0.5) * step - o.cy) / o.r;
      for (let gx = 0; gx < cols * samples; gx++) {
        const dx = ((gx + 0.5) * step - o.cx) / o.r;
        // The renderer's inverse turn into the shape's own frame (y up there).
        const lx = dx * cos + dy * sin;
        const ly = -dx * sin + dy * cos;
        const soft = Math.min(1, Math.max(0, 0.5 - (sdf(lx, -ly) * o.r) / step));
        if (soft === 0) continue;
        const token = Math.floor(gy / samples) * cols + Math.floor(gx / samples);
        const at = frameAt + token * C + first + (gy % samples) * samples + (gx % samples);
        if (soft > out[at]) out[at] = soft;
      }
    }
  }
}
