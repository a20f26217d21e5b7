// Rotation-invariant features of one object's binary mask. Rotation invariance matters because `spin`
// turns the shape, and a model may draw it at any angle.

export interface ShapeFeatures {
  area: number;
  /** Enclosed holes as a share of the filled area (a ring has a large one). */
  holeFrac: number;
  /** Filled area / convex hull area: ~1 for convex shapes, lower for the star and the heart's notch. */
  solidity: number;
  /** Filled area / (π · Rmax²) around the centroid; rendered: circle ~0.93, square ~0.72, heart ~0.7, triangle ~0.5. */
  compactness: number;
  /** |k-th Fourier coefficient| / mean of the polar radius profile, k = 1..6 (rotation invariant). */
  harmonics: number[];
}

const BINS = 48;

export function shapeFeatures(mask: Uint8Array, w: number, h: number): ShapeFeatures {
  const filled = fillHoles(mask, w, h);
  let area = 0, filledArea = 0, sx = 0, sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (mask[i]) area++;
      if (filled[i]) {
        filledArea++;
        sx += x + 0.5;
        sy += y + 0.5;
      }
    }
  }
  if (filledArea === 0) {
    return { area: 0, holeFrac: 0, solidity: 0, compactness: 0, harmonics: [0, 0, 0, 0, 0, 0] };
  }
  const cx = sx / filledArea;
  const cy = sy / filledArea;
  const holeFrac = (filledArea - area) / filledArea;
  const hull = convexHull(rowExtremeCorners(filled, w, h));
  const solidity = Math.min(1, filledArea / Math.max(1, polygonArea(hull)));
  const profile = radiusProfile(filled, w, h, cx, cy);
  const rmax = Math.max(...profile);
  // Pixel corners sit up to half a pixel beyond the true outline; Rmax to pixel centres + 0.5 is a fair middle.
  const compactness = filledArea / (Math.PI * rmax * rmax);
  return {
    area,
    holeFrac,
    solidity,
    compactness,
    harmonics: harmonics(profile),
  };
}

/** The mask with its enclosed holes filled (flood the outside from a 1-pixel border). */
export function fillHoles(mask: Uint8Array, w: number, h: number): Uint8Array {
  const W = w + 2;
  const H = h + 2;
  const outside = new Uint8Array(W * H);
  const stack: number[] = [0];
  outside[0] = 1;
  const on = (X: number, Y: number) => X >= 1 && Y >= 1 && X <= w && Y <= h && mask[(Y - 1) * w + (X - 1)] === 1;
  while (stack.length) {
    const p = stack.pop()!;
    const X = p % W;
    const Y = (p - X) / W;
    // 4-connected flood for the outside, so diagonal gaps in an 8-connected ring still enclose its hole.
    const nbrs = [[X - 1, Y], [X + 1, Y], [X, Y - 1], [X, Y + 1]];
    for (const [nx, ny] of nbrs) {
      if (nx < 0 || ny < 0 || nx >= W || ny >= H) continue;
      const q = ny * W + nx;
      if (outside[q] || on(nx, ny)) continue;
      outside[q] = 1;
      stack.push(q);
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = outside[(y + 1) * W + (x + 1)] ? 0 : 1;
  return out;
}

/** Corners of the leftmost and rightmost pixel of each row: enough points for the convex hull. */
function rowExtremeCorners(mask: Uint8Array, w: number, h: number): [number, number][] {
  const pts: [number, number][] = [];
  for (let y = 0; y < h; y++) {
    let a = -1, b = -1;
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]) {
        if (a < 0) a = x;
        b = x;
      }
    }
    if (a < 0) continue;
    pts.push([a, y], [a, y + 1], [b + 1, y], [b + 1, y + 1]);
  }
  return pts;
}

/** Andrew's monotone chain. */
export function convexHull(points: [number, number][]): [number, number][] {
  const pts = points.slice().sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (pts.length < 3) return pts;
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

export function polygonArea(poly: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    s += x0 * y1 - x1 * y0;
  }
  return Math.abs(s) / 2;
}

/** Largest centroid distance (+0.5 px for the pixel's extent) of the mask in each of BINS angular sectors. */
function radiusProfile(mask: Uint8Array, w: number, h: number, cx: number, cy: number): number[] {
  const prof = new Array<number>(BINS).fill(-1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const r = Math.hypot(dx, dy) + 0.5;
      const b = Math.floor(((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * BINS) % BINS;
      if (r > prof[b]) prof[b] = r;
    }
  }
  // Small masks leave sectors empty; take the nearer filled neighbour's value.
  for (let k = 0; k < BINS; k++) {
    if (prof[k] >= 0) continue;
    for (let d = 1; d < BINS; d++) {
      const a = prof[(k + d) % BINS];
      const b = prof[(k - d + BINS) % BINS];
      if (a >= 0 || b >= 0) {
        prof[k] = Math.max(a, b);
        break;
      }
    }
  }
  // Circular 3-tap smoothing against pixel staircase noise.
  return prof.map((_, k) => (prof[(k + BINS - 1) % BINS] + 2 * prof[k] + prof[(k + 1) % BINS]) / 4);
}

function harmonics(prof: number[]): number[] {
  const n = prof.length;
  const m = prof.reduce((a, b) => a + b, 0) / n;
  const out: number[] = [];
  for (let k = 1; k <= 6; k++) {
    let re = 0, im = 0;
    for (let i = 0; i < n; i++) {
      re += prof[i] * Math.cos((2 * Math.PI * k * i) / n);
      im -= prof[i] * Math.sin((2 * Math.PI * k * i) / n);
    }
    out.push(m > 0 ? (2 * Math.hypot(re, im)) / n / m : 0);
  }
  return out;
}
