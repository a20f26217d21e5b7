// Shape class of a tracked object from its largest unclipped masks.
import type { Blob } from "./segment.ts";
import { shapeFeatures, type ShapeFeatures } from "./shape-features.ts";
import { SHAPE_GAUSSIANS } from "./shape-model.ts";
import type { ShapeName } from "./synth-bridge.ts";

export interface ShapeReading {
  shape: ShapeName | "unknown";
  /** Features of the largest mask that voted (for reports and calibration). */
  features: ShapeFeatures | null;
}

/** Shapes told apart by the Gaussian classifier; a ring is recognised first by its hole. */
export const GAUSSIAN_SHAPES: ShapeName[] = ["circle", "square", "triangle", "star", "heart"];

/** Masks smaller than this many pixels carry too little outline to name a shape. */
const MIN_SHAPE_AREA = 12;
/** Frames whose area is within this share of the largest vote. */
const VOTE_SHARE = 0.8;
const MAX_VOTES = 5;
/** A ring's hole is ~38 % of its filled disc (≥ 0.26 blurred); solid shapes have none. */
const RING_HOLE = 0.15;
/**
 * Squared Mahalanobis distance beyond which a mask resembles no shape at all (7 features: the 99.9th percentile of
 * χ²₇ is 24; far more is allowed because a model's shapes are looser than the renderer's).
 */
const MAX_DISTANCE = 80;

/**
 * Votes over the few largest masks that do not touch the frame border: one pixelization can fool a feature,
 * several frames of the same object (spun or moved by sub-pixel amounts) rarely all do.
 */
export function classifyShape(blobs: Blob[]): ShapeReading {
  const whole = blobs.filter((b) => !b.touchesBorder);
  const pool = (whole.length ? whole : blobs).slice().sort((a, b) => b.area - a.area);
  if (pool.length === 0 || pool[0].area < MIN_SHAPE_AREA) return { shape: "unknown", features: null };
  const voters = pool.filter((b) => b.area >= VOTE_SHARE * pool[0].area).slice(0, MAX_VOTES);
  const votes = new Map<ShapeName | "unknown", number>();
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

/** What the Gaussian classifier sees: solidity, compactness and the 2nd–6th radius-profile harmonics. */
export function classFeatureVector(f: ShapeFeatures): number[] {
  return [f.solidity, f.compactness, ...f.harmonics.slice(1, 6)];
}

/**
 * Ring by its hole; otherwise the most likely of five Gaussians (quadratic discriminant) fitted on the renderer's
 * output, clean and blurred (fit-shape-model.ts). The radius-profile harmonics carry most of it: a square's energy
 * is in the 4th, a triangle's in the 3rd, a star's in the 5th, a heart's in the 2nd and 3rd, a circle has none.
 */
export function shapeFromFeatures(f: ShapeFeatures): ShapeName | "unknown" {
  if (f.holeFrac > RING_HOLE) return "ring";
  const x = classFeatureVector(f);
  let best: ShapeName | "unknown" = "unknown";
  let bestScore = Infinity;
  let bestDistance = Infinity;
  for (const g of SHAPE_GAUSSIANS) {
    let m = 0;
    for (let i = 0; i < x.length; i++) {
      let row = 0;
      for (let j = 0; j < x.length; j++) row += g.inverse[i][j] * (x[j] - g.mean[j]);
      m += (x[i] - g.mean[i]) * row;
    }
    const score = m + g.logDet;
    if (score < bestScore) {
      bestScore = score;
      bestDistance = m;
      best = g.shape;
    }
  }
  return bestDistance <= MAX_DISTANCE ? best : "unknown";
}
