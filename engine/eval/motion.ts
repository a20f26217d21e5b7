// Motion class of one track from its centroids, areas and masks (normalized frame units: x right, y down, 0..1).
import type { Blob } from "./segment.ts";
import type { Track } from "./track.ts";
import type { DiagonalName, MotionName } from "./synth-bridge.ts";

export interface MotionReading {
  /** "unknown" when the track is too short to say. */
  motion: MotionName | "unknown";
  diagonal?: DiagonalName;
  /** Net displacement over the whole clip from a straight-line fit (normalized units). */
  dx: number;
  dy: number;
  /** |(dx, dy)|: how far a translating object travelled, comparable with synth's TRAVEL. */
  travel: number;
  /** ln(area at end / area at start) from a linear fit; grow > 0, shrink < 0. */
  logAreaChange: number;
  /** Mean IoU of each centred mask with the first one: ~1 for a rigid still object, lower when it turns. */
  maskStability: number;
}

/** Area must change by at least e^0.45 ≈ 1.6× (the mildest grow/shrink changes it ~2.8×). */
const GROW_LOG = 0.45;
/** Below this net travel (normalized) an object is not translating (slow travel is 0.3). */
export const MIN_TRAVEL = 0.1;
/** Bounces rise at least 0.24 of the frame; a quarter of that is already a clear vertical swing. */
const MIN_HOP = 0.06;
/** Minor/major variance ratio of the centroid cloud above which a path is a curve, not a line. */
const ORBIT_SPREAD = 0.08;
/**
 * Mean mask IoU with the first frame below which an object in place is turning. Rendered spins read 0.60–0.81
 * (5–95 %), still objects 1.00; sub-pixel wobble is absorbed by the ±1 px alignment search in centredIou.
 */
const SPIN_STABILITY = 0.88;

export function classifyMotion(track: Track, width: number, height: number): MotionReading {
  const frames = track.blobs.length;
  const pts: { t: number; x: number; y: number; a: number; b: Blob }[] = [];
  track.blobs.forEach((b, f) => {
    if (b) pts.push({ t: frames > 1 ? f / (frames - 1) : 0, x: b.cx / width, y: b.cy / height, a: b.area, b });
  });
  const none: MotionReading = { motion: "unknown", dx: 0, dy: 0, travel: 0, logAreaChange: 0, maskStability: 1 };
  if (pts.length < 3) return none;

  const dx = slope(pts.map((p) => p.t), pts.map((p) => p.x));
  const dy = slope(pts.map((p) => p.t), pts.map((p) => p.y));
  const travel = Math.hypot(dx, dy);
  // Clipped blobs at the frame border shrink for reasons other than the object's size; leave them out when possible.
  const whole = pts.filter((p) => !p.b.touchesBorder);
  const areaPts = whole.length >= 3 ? whole : pts;
  const logAreaChange = slope(areaPts.map((p) => p.t), areaPts.map((p) => Math.log(Math.max(1, p.a))));
  const maskStability = stability(pts.map((p) => p.b));
  const reading = (motion: MotionName, extra: Partial<MotionReading> = {}): MotionReading =>
    ({ motion, dx, dy, travel, logAreaChange, maskStability, ...extra });

  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const xRange = Math.max(...xs) - Math.min(...xs);
  const yRange = Math.max(...ys) - Math.min(...ys);
  const spread = Math.max(xRange, yRange);

  if (Math.abs(logAreaChange) > GROW_LOG && travel < MIN_TRAVEL) return reading(logAreaChange > 0 ? "grow" : "shrink");
  if (yRange >= MIN_HOP && xRange < 0.5 * yRange && hops(ys) >= 1) return reading("bounce");
  if (spread >= MIN_TRAVEL && curvature(xs, ys) > ORBIT_SPREAD) return reading("orbit");
  if (travel >= MIN_TRAVEL) return translation(dx, dy, reading);
  if (maskStability < SPIN_STABILITY) return reading("spin");
  return reading("still");
}

function translation(
  dx: number, dy: number, reading: (m: MotionName, extra?: Partial<MotionReading>) => MotionReading,
): MotionReading {
  const d = directionOf(dx, dy);
  return reading(d.motion, d.diagonal ? { diagonal: d.diagonal } : {});
}

/** Direction class of a displacement (normalized units, y down): axis-aligned within ±22.5°, else a diagonal. */
export function directionOf(dx: number, dy: number): { motion: MotionName; diagonal?: DiagonalName } {
  const deg = (Math.atan2(-dy, dx) * 180) / Math.PI;
  const near = (a: number) => Math.abs(((deg - a + 540) % 360) - 180) <= 22.5;
  if (near(0)) return { motion: "right" };
  if (near(90)) return { motion: "up" };
  if (near(180)) return { motion: "left" };
  if (near(-90)) return { motion: "down" };
  return { motion: "diagonal", diagonal: `${dy < 0 ? "up" : "down"}-${dx < 0 ? "left" : "right"}` as DiagonalName };
}

/** Least-squares slope of v over t in [0, 1]: the change across the whole clip. */
function slope(t: number[], v: number[]): number {
  const n = t.length;
  const mt = t.reduce((a, b) => a + b, 0) / n;
  const mv = v.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += (t[i] - mt) * (v[i] - mv);
    den += (t[i] - mt) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** Interior highest points (minima of y) that rise at least MIN_HOP/2 above the samples on both sides. */
function hops(ys: number[]): number {
  let n = 0;
  for (let i = 1; i < ys.length - 1; i++) {
    if (!(ys[i] <= ys[i - 1] && ys[i] < ys[i + 1])) continue;
    const left = Math.max(...ys.slice(0, i));
    const right = Math.max(...ys.slice(i + 1));
    if (left - ys[i] >= MIN_HOP / 2 && right - ys[i] >= MIN_HOP / 2) n++;
  }
  return n;
}

/** Minor/major eigenvalue ratio of the centroids' covariance: 0 on a line, ~0.2 on a half circle, 1 on a circle. */
function curvature(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  const tr = sxx + syy;
  const det = sxx * syy - sxy * sxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const major = tr / 2 + disc;
  const minor = tr / 2 - disc;
  return major > 0 ? minor / major : 0;
}

/** Mean IoU between each blob's mask and the first blob's, both centred on their centroids. */
function stability(blobs: Blob[]): number {
  const ref = blobs[0];
  let sum = 0;
  for (let k = 1; k < blobs.length; k++) sum += centredIou(ref, blobs[k]);
  return blobs.length > 1 ? sum / (blobs.length - 1) : 1;
}

/** IoU of two masks with b's centroid moved onto a's, best over whole-pixel offsets within ±1 px of that. */
function centredIou(a: Blob, b: Blob): number {
  const rx = Math.round(b.cx - a.cx);
  const ry = Math.round(b.cy - a.cy);
  let best = 0;
  for (let ey = -1; ey <= 1; ey++) for (let ex = -1; ex <= 1; ex++) best = Math.max(best, iouAt(a, b, rx + ex, ry + ey));
  return best;
}

/** IoU of mask a and mask b shifted by (−ox, −oy). */
function iouAt(a: Blob, b: Blob, ox: number, oy: number): number {
  let inter = 0, union = 0;
  const x0 = Math.min(a.x0, b.x0 - ox), y0 = Math.min(a.y0, b.y0 - oy);
  const x1 = Math.max(a.x0 + a.w, b.x0 - ox + b.w), y1 = Math.max(a.y0 + a.h, b.y0 - oy + b.h);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const ina = x >= a.x0 && y >= a.y0 && x < a.x0 + a.w && y < a.y0 + a.h && a.mask[(y - a.y0) * a.w + (x - a.x0)] === 1;
      const bx = x + ox - b.x0, by = y + oy - b.y0;
      const inb = bx >= 0 && by >= 0 && bx < b.w && by < b.h && b.mask[by * b.w + bx] === 1;
      if (ina && inb) inter++;
      if (ina || inb) union++;
    }
  }
  return union ? inter / union : 1;
}
