// Shape class of a tracked object from its largest unclipped masks.
import type { Blob } from "./segment.ts";
import { shapeFeatures, type ShapeFeatures } from "./shape-features.ts";
import type { ShapeName } from "./synth-bridge.ts";

export interface ShapeReading {
  shape: ShapeName | "unknown";
  /** Features of the largest mask that voted (for reports and calibration). */
  features: ShapeFeatures | null;
}

/** Masks smaller than this many pixels carry too little outline to name a shape. */
const MIN_SHAPE_AREA = 12;
/** Frames whose area is within this share of the largest vote. */
const VOTE_SHARE = 0.8;
const MAX_VOTES = 5;

/**
 * Votes over the few largest masks that do not touch the frame border: one pixelization can fool a feature,
 * several frames of the same object (spun or moved by sub-pixel amounts) rarely all do.
 */
export function classifyShape(blobs: Blob[]): ShapeReading {
  const whole = blobs.filter((b) => !b.touchesBorder);
  const pool = (whole.length ? whole : blobs).slice().sort((a, b) => b.area - a.area);
  if (pool.length === 0 || pool[0].area < MIN_SHAPE_AREA) return { shape: "unknown", features: null };
  const voters = pool.filter((b) => b.area >= VOTE_SHARE * pool[0].area).slice(0, MAX_VOTES);
  const votes = new Map<ShapeName, number>();
  let features: ShapeFeatures | null = null;
  for (const b of voters) {
    const f = shapeFeatures(b.mask, b.w, b.h);
    features ??= f;
    const s = shapeFromFeatures(f);
    votes.set(s, (votes.get(s) ?? 0) + 1);
  }
  // Ties go to the largest mask's answer (Map keeps insertion order, and it voted first).
  const shape = [...votes.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { shape, features };
}

/**
 * Decision rules, calibrated on the renderer (engine/eval/calibrate.ts prints the per-shape quantiles). The polar
 * radius profile's harmonics are the rotation-invariant core: a square puts its energy in the 4th, a triangle in the
 * 3rd, a star in the 5th, a heart in the 2nd and 3rd; a circle or a filled ring has none.
 * Renderer 5–95 % ranges: ring holeFrac ≥ 0.37 (others 0); star solidity ≤ 0.68 (others ≥ 0.79);
 * circle compactness ≥ 0.87, square ≤ 0.76; triangle compactness ≤ 0.59, heart ≥ 0.64.
 */
export function shapeFromFeatures(f: ShapeFeatures): ShapeName {
  const [, , h3, h4] = f.harmonics;
  if (f.holeFrac > 0.15) return "ring";
  if (f.solidity < 0.74) return "star";
  if (f.compactness > 0.82) return "circle";
  if (f.compactness < 0.62) return "triangle";
  return h4 > h3 ? "square" : "heart";
}
