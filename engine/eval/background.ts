// Background class and a per-pixel background model, from pixels only.
//
// Every background of the synthetic domain is uniform along each row (solid colour, vertical sky gradient, sky over
// a horizontal horizon; night stars are single pixels). So the model is one colour per row. The plain per-row median
// over all columns and frames fails only where an object covers most of a row in most frames (a large object that
// grows in a 64-px-wide frame), so such rows (far from the best-matching look and not flat) fall back to that look,
// shifted by the offset the trusted rows show (a model may paint a slightly different shade).
import type { Clip } from "../types.ts";
import { median } from "./image.ts";
import { FLOOR_LOOKS, SKY_LOOKS, SOLID_COLORS, renderScene } from "./synth-bridge.ts";
import type { Background } from "./synth-bridge.ts";

export interface BackgroundModel {
  /** Class label such as "solid:navy", "sky:sunset", "floor:grass". */
  label: string;
  /** Mean per-row colour distance to the best look (grey levels); large = the clip matches no known look. */
  fit: number;
  /** RGB per row, length height × 3. */
  rows: Float32Array;
}

export function backgroundLabel(bg: Background): string {
  return bg.kind === "solid" ? `solid:${bg.color}` : `${bg.kind}:${bg.look}`;
}

export const ALL_BACKGROUNDS: Background[] = [
  ...SOLID_COLORS.map((color): Background => ({ kind: "solid", color })),
  ...SKY_LOOKS.map((look): Background => ({ kind: "sky", look })),
  ...FLOOR_LOOKS.map((look): Background => ({ kind: "floor", look })),
];

/** Rows farther than this (grey levels, RGB Euclidean) from the matched look are suspect... */
const TRUST_DIST = 35;
/** ... unless this share of their samples (all columns, all frames) lies near the row's median. Objects dominate
 * at most ~55 % of a row's samples over a clip (a large object growing in a 64-px-wide frame), and rows they
 * merely cross are close to the look anyway. */
const UNIFORM_SHARE = 0.75;
/** "Near" in grey levels, or 3× the clip's median sample distance when a model's noise makes that larger. */
const UNIFORM_DIST = 20;

function rowUniformity(clip: Clip, medians: Float32Array): number[] {
  const { width, height } = clip;
  const n = width * clip.frames.length;
  const dist = new Float32Array(height * n);
  for (let y = 0; y < height; y++) {
    const [r, g, b] = [medians[y * 3], medians[y * 3 + 1], medians[y * 3 + 2]];
    let k = y * n;
    for (const f of clip.frames) {
      for (let x = 0, i = y * width * 3; x < width; x++, i += 3) {
        dist[k++] = Math.hypot(f.data[i] - r, f.data[i + 1] - g, f.data[i + 2] - b);
      }
    }
  }
  const near = Math.max(UNIFORM_DIST, 3 * median(dist));
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    let c = 0;
    for (let k = y * n; k < (y + 1) * n; k++) if (dist[k] <= near) c++;
    out.push(c / n);
  }
  return out;
}

/** Share of rows (the best-matching ones) that decide the look. */
const ROW_TRIM = 0.75;

function trimmedMean(values: number[], keep: number): number {
  const s = values.slice().sort((a, b) => a - b).slice(0, Math.max(1, Math.round(values.length * keep)));
  return s.reduce((a, b) => a + b, 0) / s.length;
}

const templateCache = new Map<string, { label: string; rows: Float32Array }[]>();

/** Per-row colours of every known look at this frame size (rendered once, with no objects). */
function templates(width: number, height: number): { label: string; rows: Float32Array }[] {
  const key = `${width}x${height}`;
  let t = templateCache.get(key);
  if (!t) {
    t = ALL_BACKGROUNDS.map((background) => {
      const img = renderScene({ background, objects: [], seed: 1 }, { width, height, frames: 1 });
      return { label: backgroundLabel(background), rows: rowMedians([img], width, height) };
    });
    templateCache.set(key, t);
  }
  return t;
}

/** Per-row, per-channel median over all columns of all given frames. */
export function rowMedians(frames: Uint8Array[], width: number, height: number): Float32Array {
  const out = new Float32Array(height * 3);
  const buf = new Float64Array(width * frames.length);
  for (let y = 0; y < height; y++) {
    for (let c = 0; c < 3; c++) {
      let k = 0;
      for (const f of frames) for (let x = 0; x < width; x++) buf[k++] = f[(y * width + x) * 3 + c];
      out[y * 3 + c] = median(buf);
    }
  }
  return out;
}

function rowDist(a: Float32Array, b: Float32Array, y: number): number {
  const i = y * 3;
  return Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1], a[i + 2] - b[i + 2]);
}

export function estimateBackground(clip: Clip): BackgroundModel {
  const { width, height } = clip;
  const observed = rowMedians(clip.frames.map((f) => f.data), width, height);
  // A trimmed mean of row distances ignores the rows an object dominates; not the median, which would also ignore a
  // floor's ground (40 % of the rows) and so tie the three floor looks.
  let best = templates(width, height)[0];
  let bestScore = Infinity;
  for (const t of templates(width, height)) {
    const d: number[] = [];
    for (let y = 0; y < height; y++) d.push(rowDist(observed, t.rows, y));
    const score = trimmedMean(d, ROW_TRIM);
    if (score < bestScore) {
      bestScore = score;
      best = t;
    }
  }
  const rows = new Float32Array(observed);
  const uniform = rowUniformity(clip, observed);
  const trusted: boolean[] = [];
  // A row far from the look is still background when it is one flat colour (a blurred horizon, a model's own
  // gradient); a row an object dominates is a mix of object and background, flat in no colour.
  for (let y = 0; y < height; y++) trusted.push(uniform[y] >= UNIFORM_SHARE || rowDist(observed, best.rows, y) <= TRUST_DIST);
  // Offsets are estimated separately above and below a floor's horizon, where a model's shade may differ.
  const split = segmentBreak(best.rows, height);
  for (let y = 0; y < height; y++) {
    if (trusted[y]) continue;
    const lo = y < split ? 0 : split;
    const hi = y < split ? split : height;
    for (let c = 0; c < 3; c++) {
      const res: number[] = [];
      for (let r = lo; r < hi; r++) if (trusted[r]) res.push(observed[r * 3 + c] - best.rows[r * 3 + c]);
      rows[y * 3 + c] = best.rows[y * 3 + c] + (res.length ? median(res) : 0);
    }
  }
  let fit = 0;
  for (let y = 0; y < height; y++) fit += rowDist(rows, best.rows, y);
  return { label: best.label, fit: fit / height, rows };
}

/** Row index of the biggest jump between adjacent template rows when it is a real edge (a horizon), else height. */
function segmentBreak(rows: Float32Array, height: number): number {
  let at = height, jump = 0;
  for (let y = 1; y < height; y++) {
    const d = Math.hypot(rows[y * 3] - rows[y * 3 - 3], rows[y * 3 + 1] - rows[y * 3 - 2], rows[y * 3 + 2] - rows[y * 3 - 1]);
    if (d > jump) {
      jump = d;
      at = y;
    }
  }
  return jump > 20 ? at : height;
}
