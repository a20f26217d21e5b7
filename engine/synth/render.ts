// Deterministic rasterizer: background painted once per clip, each object drawn only inside its bounding box
// with SDF coverage antialiasing. Output layout: frames × height × width × 3 (RGB, HWC) as in CONTRACTS.md §1.

import type { RenderSize, Scene, SceneObject, SizeName, TrackPoint } from "./types.ts";
import { OBJECT_RGB } from "./palette.ts";
import { paintBackground } from "./background.ts";
import { SHAPE_EXTENT, SHAPE_SDF } from "./shapes.ts";
import { clipTime, trackAt } from "./motion.ts";

export { objectTrack } from "./motion.ts";

/** Object diameter as a fraction of the frame's short side. */
export const SIZE_DIAMETER: Record<SizeName, number> = { small: 0.16, medium: 0.24, large: 0.34 };

/** Radius in pixels of an object at a given track scale. */
export function objectRadiusPx(o: SceneObject, scale: number, width: number, height: number): number {
  return (SIZE_DIAMETER[o.size] * Math.min(width, height) * scale) / 2;
}

function drawObject(
  frame: Uint8Array, width: number, height: number, o: SceneObject, p: TrackPoint,
): void {
  const radius = objectRadiusPx(o, p.scale, width, height);
  if (radius <= 0.05) return;
  const sdf = SHAPE_SDF[o.shape];
  const [cr, cg, cb] = OBJECT_RGB[o.color];
  const cx = p.x * width, cy = p.y * height;
  const reach = radius * SHAPE_EXTENT + 1;
  const x0 = Math.max(0, Math.floor(cx - reach)), x1 = Math.min(width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach)), y1 = Math.min(height - 1, Math.ceil(cy + reach));
  // Inverse rotation takes a screen offset into the shape's own frame; angle is clockwise on screen (y down).
  const cos = Math.cos(p.angle), sin = Math.sin(p.angle);
  const inv = 1 / radius;
  for (let y = y0; y <= y1; y++) {
    const dy = (y + 0.5 - cy) * inv;
    let i = (y * width + x0) * 3;
    for (let x = x0; x <= x1; x++, i += 3) {
      const dx = (x + 0.5 - cx) * inv;
      const lx = dx * cos + dy * sin;
      const ly = -dx * sin + dy * cos;
      // Shapes are defined with y up; distance back in pixels gives a one-pixel-wide antialiased edge.
      const coverage = 0.5 - sdf(lx, -ly) * radius;
      if (coverage <= 0) continue;
      if (coverage >= 1) {
        frame[i] = cr;
        frame[i + 1] = cg;
        frame[i + 2] = cb;
      } else {
        const keep = 1 - coverage;
        frame[i] = Math.round(frame[i] * keep + cr * coverage);
        frame[i + 1] = Math.round(frame[i + 1] * keep + cg * coverage);
        frame[i + 2] = Math.round(frame[i + 2] * keep + cb * coverage);
      }
    }
  }
}

/** Renders into `out` (frames × H × W × 3) at `offset`; lets the shard writer fill one big buffer without copies. */
export function renderSceneInto(scene: Scene, size: RenderSize, out: Uint8Array, offset = 0): void {
  const { width, height, frames } = size;
  const frameBytes = width * height * 3;
  if (out.length < offset + frames * frameBytes) throw new Error("render target too small");
  const background = paintBackground(scene.background, width, height, scene.seed);
  for (let f = 0; f < frames; f++) {
    const frame = out.subarray(offset + f * frameBytes, offset + (f + 1) * frameBytes);
    frame.set(background);
    const t = clipTime(f, frames);
    for (const o of scene.objects) drawObject(frame, width, height, o, trackAt(o, t));
  }
}

export function renderScene(scene: Scene, size: RenderSize): Uint8Array {
  const out = new Uint8Array(size.frames * size.height * size.width * 3);
  renderSceneInto(scene, size, out, 0);
  return out;
}
