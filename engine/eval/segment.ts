// Per-frame object segmentation: pixels far from the background model → connected components → one blob per object,
// with its colour name, sub-pixel area and centroid, and a binary mask for the shape classifier.
import type { RgbFrame } from "../types.ts";
import type { BackgroundModel } from "./background.ts";
import { componentFromPixels, connectedComponents, type Component } from "./components.ts";
import { colourAlongLine, nearestColor } from "./colors.ts";
import { median, quantile } from "./image.ts";
import { OBJECT_RGB, type ColorName } from "./synth-bridge.ts";

export interface Blob {
  frame: number;
  color: ColorName;
  rgb: [number, number, number];
  /** Coverage-weighted area in pixels (antialiased edges count partly). */
  area: number;
  /** Coverage-weighted centroid in pixels. */
  cx: number;
  cy: number;
  /** Pixels with coverage ≥ 0.5, as a tight mask with its top-left corner in the frame. */
  mask: Uint8Array;
  w: number;
  h: number;
  x0: number;
  y0: number;
  touchesBorder: boolean;
}

export interface SegmentOptions {
  /** Distance from the background (grey levels) above which a pixel may belong to an object. */
  threshold: number;
  /** Components smaller than this are noise (night stars are single pixels). */
  minArea: number;
}

/** Lowest detection threshold: about a third of the weakest object/background contrast the domain allows. */
export const MIN_THRESHOLD = 35;
export const MIN_AREA = 4;
/** Colour groups whose centres are closer than this × √area are one object (two touching discs give ~0.8). */
const SPLIT_APART = 0.3;

/** Distance of every pixel of every frame from its row's background colour. */
export function backgroundDistance(frame: RgbFrame, bg: BackgroundModel): Float32Array {
  const { width, height, data } = frame;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const br = bg.rows[y * 3], bgc = bg.rows[y * 3 + 1], bb = bg.rows[y * 3 + 2];
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      out[p] = Math.hypot(data[p * 3] - br, data[p * 3 + 1] - bgc, data[p * 3 + 2] - bb);
    }
  }
  return out;
}

/**
 * Threshold for a clip: the fixed minimum, raised for noisy clips to 4× the typical background distance
 * (most pixels are background, so the median distance measures the noise a model leaves in it).
 */
export function clipThreshold(distances: Float32Array[]): number {
  const sample: number[] = [];
  for (const d of distances) for (let i = 0; i < d.length; i += 7) sample.push(d[i]);
  return Math.max(MIN_THRESHOLD, 4 * median(sample));
}

export function segmentFrame(
  frame: RgbFrame, index: number, bg: BackgroundModel, dist: Float32Array, opts: SegmentOptions,
): Blob[] {
  const { width, height } = frame;
  const on = new Uint8Array(width * height);
  for (let p = 0; p < on.length; p++) on[p] = dist[p] > opts.threshold ? 1 : 0;
  const blobs: Blob[] = [];
  for (const comp of connectedComponents(on, width, height, opts.minArea)) {
    for (const part of splitByColour(comp, frame, dist, opts.minArea)) {
      const blob = refine(part, frame, index, bg, dist);
      if (blob && blob.area >= opts.minArea) blobs.push(blob);
    }
  }
  return blobs;
}

/** The component's "core": pixels nearly as far from the background as its most distinct ones (no edge blends). */
function corePixels(comp: Component, dist: Float32Array): number[] {
  const d = Array.from(comp.pixels, (p) => dist[p]);
  const cut = 0.8 * quantile(d, 0.9);
  return Array.from(comp.pixels).filter((p) => dist[p] >= cut);
}

function medianRgb(pixels: number[], data: Uint8Array): [number, number, number] {
  const ch = (c: number) => median(pixels.map((p) => data[p * 3 + c]));
  return [ch(0), ch(1), ch(2)];
}

/** Two touching objects of different colours make one component; split it when its core has two major colours. */
function splitByColour(comp: Component, frame: RgbFrame, dist: Float32Array, minArea: number): Component[] {
  const core = corePixels(comp, dist);
  const groups = new Map<ColorName, number[]>();
  for (const p of core) {
    const name = nearestColor(frame.data[p * 3], frame.data[p * 3 + 1], frame.data[p * 3 + 2]).name;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name)!.push(p);
  }
  const major = [...groups.values()].filter((g) => g.length >= minArea && g.length >= 0.25 * core.length);
  if (major.length < 2) return [comp];
  // Two objects side by side have colour groups apart; a blurred object's halo (another colour name for the blend of
  // object and background) surrounds its core with the same centre, and is not a second object.
  const centre = (g: number[]) => {
    let sx = 0, sy = 0;
    for (const p of g) {
      sx += p % frame.width;
      sy += Math.floor(p / frame.width);
    }
    return [sx / g.length, sy / g.length];
  };
  const [a, b] = [centre(major[0]), centre(major[1])];
  if (Math.hypot(a[0] - b[0], a[1] - b[1]) < SPLIT_APART * Math.sqrt(comp.area)) return [comp];
  const centres = major.map((g) => medianRgb(g, frame.data));
  const parts: number[][] = major.map(() => []);
  for (const p of comp.pixels) {
    let best = 0, bestD = Infinity;
    centres.forEach((c, k) => {
      const d = Math.hypot(frame.data[p * 3] - c[0], frame.data[p * 3 + 1] - c[1], frame.data[p * 3 + 2] - c[2]);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    });
    parts[best].push(p);
  }
  return parts.filter((g) => g.length >= minArea).map((g) => componentFromPixels(Int32Array.from(g), frame.width));
}

/** Core colours farther than this from every named colour are blends (the object never reached full coverage). */
const BLEND_DIST = 40;

/**
 * Name and reference colour of an object. Normally the nearest named colour of its core, with the core itself as the
 * reference (a model's shade of red is still its red). When the core is far from every name, it is a blend with the
 * background: the name comes from the blend line and the named colour becomes the reference, so coverage is measured
 * against the full colour.
 */
function objectColour(
  core: [number, number, number], bg: BackgroundModel, comp: Component,
): { name: ColorName; rgb: [number, number, number] } {
  const near = nearestColor(core[0], core[1], core[2]);
  if (near.dist <= BLEND_DIST) return { name: near.name, rgb: core };
  const y = Math.min(bg.rows.length / 3 - 1, Math.floor(comp.cy));
  const rowBg = [bg.rows[y * 3], bg.rows[y * 3 + 1], bg.rows[y * 3 + 2]];
  const line = colourAlongLine(core, rowBg);
  return { name: line.name, rgb: [...OBJECT_RGB[line.name]] as [number, number, number] };
}

/**
 * Coverage α of each pixel: its position on the line from the background colour to the object colour.
 * The α ≥ 0.5 mask is the shape's true outline at pixel resolution; α sums give sub-pixel area and centroid.
 */
function refine(comp: Component, frame: RgbFrame, index: number, bg: BackgroundModel, dist: Float32Array): Blob | null {
  const { width, height, data } = frame;
  const core = medianRgb(corePixels(comp, dist), data);
  const { name: color, rgb } = objectColour(core, bg, comp);
  let area = 0, sx = 0, sy = 0;
  const keep: number[] = [];
  for (const p of comp.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    const b = y * 3;
    const ox = rgb[0] - bg.rows[b], oy = rgb[1] - bg.rows[b + 1], oz = rgb[2] - bg.rows[b + 2];
    const den = ox * ox + oy * oy + oz * oz;
    const px = data[p * 3] - bg.rows[b], py = data[p * 3 + 1] - bg.rows[b + 1], pz = data[p * 3 + 2] - bg.rows[b + 2];
    const alpha = den > 0 ? Math.min(1, Math.max(0, (px * ox + py * oy + pz * oz) / den)) : 1;
    area += alpha;
    sx += alpha * (x + 0.5);
    sy += alpha * (y + 0.5);
    if (alpha >= 0.5) keep.push(p);
  }
  if (keep.length === 0 || area <= 0) return null;
  const c = componentFromPixels(Int32Array.from(keep), width);
  const w = c.x1 - c.x0 + 1;
  const h = c.y1 - c.y0 + 1;
  const mask = new Uint8Array(w * h);
  for (const p of keep) {
    const x = p % width;
    mask[((p - x) / width - c.y0) * w + (x - c.x0)] = 1;
  }
  return {
    frame: index, color, rgb, area, cx: sx / area, cy: sy / area, mask, w, h, x0: c.x0, y0: c.y0,
    touchesBorder: comp.x0 === 0 || comp.y0 === 0 || comp.x1 === width - 1 || comp.y1 === height - 1,
  };
}
