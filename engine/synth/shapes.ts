// Signed distance functions of the six shapes, in local units where the shape fits a circle of radius 1
// (x right, y UP), so that "size" means the same visual diameter for every shape.
// Exact SDFs (after Inigo Quilez) give cheap, correct antialiasing: coverage = clamp(0.5 − distance_in_pixels).

import type { ShapeName } from "./types.ts";

export type Sdf = (x: number, y: number) => number;

const SQRT3 = Math.sqrt(3);

function circle(x: number, y: number): number {
  return Math.sqrt(x * x + y * y) - 1;
}

const SQUARE_HALF = 0.8; // a slightly smaller square than the circle reads as the same size
function square(x: number, y: number): number {
  const dx = Math.abs(x) - SQUARE_HALF;
  const dy = Math.abs(y) - SQUARE_HALF;
  const ox = Math.max(dx, 0), oy = Math.max(dy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(dx, dy), 0);
}

// Equilateral triangle, apex up, circumradius 1.08, its centroid moved down 0.12 so the bounding box is nearer
// the origin (a centroid-centred triangle looks top-heavy) while its corners stay inside SHAPE_EXTENT.
const TRI_HALF_SIDE = (1.08 * SQRT3) / 2;
const TRI_SHIFT = 0.12;
function triangle(x: number, y: number): number {
  const r = TRI_HALF_SIDE;
  let px = Math.abs(x) - r;
  let py = y + TRI_SHIFT + r / SQRT3;
  if (px + SQRT3 * py > 0) {
    const nx = (px - SQRT3 * py) / 2;
    const ny = (-SQRT3 * px - py) / 2;
    px = nx;
    py = ny;
  }
  px -= Math.min(Math.max(px, -2 * r), 0);
  return -Math.sqrt(px * px + py * py) * Math.sign(py);
}

// Five-pointed star, a point up, outer radius 1.05, inner/outer ratio 0.45.
const K1X = 0.809016994375, K1Y = -0.587785252292;
const STAR_R = 1.05, STAR_RF = 0.45;
function star(x: number, y: number): number {
  let px = Math.abs(x), py = y;
  let d = Math.max(K1X * px + K1Y * py, 0);
  px -= 2 * d * K1X;
  py -= 2 * d * K1Y;
  d = Math.max(-K1X * px + K1Y * py, 0);
  px -= 2 * d * -K1X;
  py -= 2 * d * K1Y;
  px = Math.abs(px);
  py -= STAR_R;
  const bax = STAR_RF * -K1Y - 0;
  const bay = STAR_RF * K1X - 1;
  const h = Math.min(Math.max((px * bax + py * bay) / (bax * bax + bay * bay), 0), STAR_R);
  return Math.sqrt((px - bax * h) * (px - bax * h) + (py - bay * h) * (py - bay * h)) * Math.sign(py * bax - px * bay);
}

// Heart: the canonical SDF spans x ±0.6, y 0..1.1 (tip at the bottom); scaled so its half-width is ~1.
const HEART_SCALE = 0.6;
const HEART_CY = 0.55;
function heart(x: number, y: number): number {
  const px = Math.abs(x) * HEART_SCALE;
  const py = y * HEART_SCALE + HEART_CY;
  let d: number;
  if (py + px > 1) {
    d = Math.sqrt((px - 0.25) * (px - 0.25) + (py - 0.75) * (py - 0.75)) - Math.SQRT2 / 4;
  } else {
    const m = 0.5 * Math.max(px + py, 0);
    d = Math.sqrt(Math.min(px * px + (py - 1) * (py - 1), (px - m) * (px - m) + (py - m) * (py - m))) *
      Math.sign(px - py);
  }
  return d / HEART_SCALE;
}

// Ring: outer radius 1, band 0.38 wide, so the hole is obvious even at small sizes.
function ring(x: number, y: number): number {
  return Math.abs(Math.sqrt(x * x + y * y) - 0.81) - 0.19;
}

export const SHAPE_SDF: Record<ShapeName, Sdf> = { circle, square, triangle, star, heart, ring };

/** Half-extent of each shape in local units (with a margin for the antialiased edge), for bounding boxes. */
export const SHAPE_EXTENT = 1.2;
