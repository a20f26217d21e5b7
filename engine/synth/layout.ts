// The layout: where each object of a scene is on every frame, per DiT token, with the object's attributes. It is the
// denoiser's second conditioning input beside the text (CONTRACTS.md §8): training builds it from the renderer's
// tracks, the pipeline from the parsed prompt, both through this file (Python's engine/train/layout.py does the same
// arithmetic from the tracks this file writes, and a fixture test holds the two equal).

import type { Scene } from "./types.ts";
import { COLORS, SHAPES, SIZES } from "./types.ts";
import { trackAt } from "./motion.ts";
import { SIZE_DIAMETER } from "./render.ts";
import { silhouetteChannels, writeSilhouettes } from "./silhouette.ts";

/** Pixels per DiT token side: the VAE's ÷8 times the 2×2 patch. */
export const TOKEN_PX = 16;
/** Coverage is the mean of SAMPLES × SAMPLES soft point samples per token (2 px apart at 16 px tokens). */
export const SAMPLES = 8;
/** Frames of a training clip: clip time t = frame / (CLIP_FRAMES − 1), as the renderer draws it. */
export const CLIP_FRAMES = 17;
export const MAX_OBJECTS = 3;

/**
 * The disc layout's channels, in order (packs of the first layout design have these only). Per token: `layout` is
 * 1 wherever a layout is given (0 everywhere = no layout), `occupied` the summed coverage of all objects,
 * `offset_x`/`offset_y` the coverage-weighted offset of the objects' centres from the token's centre (in tokens),
 * then the coverage-weighted one-hot colour, shape and size.
 */
export const DISC_CHANNELS: readonly string[] = [
  "layout", "occupied", "offset_x", "offset_y",
  ...COLORS.map((c) => `color:${c}`), ...SHAPES.map((s) => `shape:${s}`), ...SIZES.map((s) => `size:${s}`),
];
/** The full layout: the disc channels, then each point's silhouette value (silhouette.ts). */
export const LAYOUT_CHANNELS: readonly string[] = [...DISC_CHANNELS, ...silhouetteChannels(SAMPLES)];
const ATTR0 = 4;

/** Whether `channels` is a layout this file builds (the full one or the disc-only one), by name and order. */
export function isBuildableLayout(channels: readonly string[]): boolean {
  const names = channels.join();
  return names === LAYOUT_CHANNELS.join() || names === DISC_CHANNELS.join();
}

/**
 * One object on one frame: normalized centre, radius as a fraction of the frame's short side, and its turn (radians,
 * clockwise on screen; 0 when absent: points of the disc layout had none).
 */
export interface LayoutPoint {
  x: number;
  y: number;
  r: number;
  angle?: number;
}

/** An object's attribute indices into COLORS, SHAPES, SIZES. */
export type LayoutAttrs = [number, number, number];

export function objectAttrs(scene: Scene): LayoutAttrs[] {
  return scene.objects.slice(0, MAX_OBJECTS).map((o) => [COLORS.indexOf(o.color), SHAPES.indexOf(o.shape), SIZES.indexOf(o.size)]);
}

/**
 * Each object's points on frames firstFrame … firstFrame + frames − 1 of the clip's timeline, the clip time running
 * over CLIP_FRAMES frames (t = 1 at frame 16; later frames continue the motion past it: an extension of a clip keeps
 * its object's course). → [frame][object].
 */
export function layoutTracks(scene: Scene, frames: number, firstFrame = 0): LayoutPoint[][] {
  const objects = scene.objects.slice(0, MAX_OBJECTS);
  const out: LayoutPoint[][] = [];
  for (let f = 0; f < frames; f++) {
    const t = (firstFrame + f) / (CLIP_FRAMES - 1);
    out.push(objects.map((o) => {
      const p = trackAt(o, t);
      return { x: p.x, y: p.y, r: (SIZE_DIAMETER[o.size] * p.scale) / 2, angle: p.angle };
    }));
  }
  return out;
}

/**
 * The layout tensor [frames, S, C] (S = tokens per frame, row-major over the token grid; C = `channels`, the full
 * LAYOUT_CHANNELS or, for packs of the first design, DISC_CHANNELS) of objects at `tracks` ([frame][object]) with
 * attributes `attrs`, on a width × height frame.
 * Coverage of a token by an object: the mean over SAMPLES² points of clamp((r − d) / step + 0.5, 0, 1), d the point's
 * distance from the object's centre and step the points' spacing, all in pixels; the object is taken as a disc of its
 * drawn size (its shape is in the attributes and in the silhouette channels, not in the coverage).
 */
export function buildLayout(
  tracks: LayoutPoint[][], attrs: LayoutAttrs[], width: number, height: number,
  channels: readonly string[] = LAYOUT_CHANNELS,
): Float32Array {
  const rows = height / TOKEN_PX, cols = width / TOKEN_PX;
  if (!Number.isInteger(rows) || !Number.isInteger(cols)) throw new Error(`layout: ${width}×${height} is not a whole number of ${TOKEN_PX}-px tokens`);
  if (!isBuildableLayout(channels)) throw new Error(`layout: channels [${channels.join()}] are not a layout this engine builds`);
  const silhouettes = channels.length > DISC_CHANNELS.length;
  const S = rows * cols, C = channels.length;
  const out = new Float32Array(tracks.length * S * C);
  const step = TOKEN_PX / SAMPLES;
  const short = Math.min(width, height);
  tracks.forEach((points, f) => {
    for (let s = 0; s < S; s++) out[(f * S + s) * C] = 1;
    points.forEach((p, o) => {
      const cx = p.x * width, cy = p.y * height, r = p.r * short;
      const [color, shape, size] = attrs[o];
      for (let ty = 0; ty < rows; ty++) {
        for (let tx = 0; tx < cols; tx++) {
          let sum = 0;
          for (let b = 0; b < SAMPLES; b++) {
            const dy = ty * TOKEN_PX + (b + 0.5) * step - cy;
            for (let a = 0; a < SAMPLES; a++) {
              const dx = tx * TOKEN_PX + (a + 0.5) * step - cx;
              sum += Math.min(1, Math.max(0, (r - Math.sqrt(dx * dx + dy * dy)) / step + 0.5));
            }
          }
          const cov = sum / (SAMPLES * SAMPLES);
          if (cov === 0) continue;
          const at = (f * S + ty * cols + tx) * C;
          out[at + 1] += cov;
          out[at + 2] += cov * (cx / TOKEN_PX - (tx + 0.5));
          out[at + 3] += cov * (cy / TOKEN_PX - (ty + 0.5));
          out[at + ATTR0 + color] += cov;
          out[at + ATTR0 + COLORS.length + shape] += cov;
          out[at + ATTR0 + COLORS.length + SHAPES.length + size] += cov;
        }
      }
    });
    if (silhouettes) {
      const placed = points.map((p, o) => ({ cx: p.x * width, cy: p.y * height, r: p.r * short, angle: p.angle ?? 0, shape: attrs[o][1] }));
      writeSilhouettes(out, f * S * C, C, DISC_CHANNELS.length, placed, rows, cols, TOKEN_PX, SAMPLES);
    }
  });
  return out;
}

/** A scene's layout on frames firstFrame … firstFrame + frames − 1 of its timeline. */
export function sceneLayout(
  scene: Scene, width: number, height: number, frames: number, firstFrame = 0, channels: readonly string[] = LAYOUT_CHANNELS,
): Float32Array {
  return buildLayout(layoutTracks(scene, frames, firstFrame), objectAttrs(scene), width, height, channels);
}
