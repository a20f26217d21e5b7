// Temporal quality from pixels: flicker, seam continuity for extensions, loop closure.
import type { Clip, RgbFrame } from "../types.ts";
import { absDiff, frameDistance, median } from "./image.ts";

/**
 * Grey levels of "unexplained" frame-to-frame change at which the flicker score falls to 1/e.
 * With 40, a steady 2-level shimmer scores 0.95 (the target) and ±10-level brightness jitter ~0.7.
 */
export const FLICKER_SCALE = 40;

/** Share of pixels (the least-changing ones) that count as background in each frame pair. */
const BACKGROUND_SHARE = 0.7;

/**
 * Flicker score in [0, 1], 1 = no flicker. For each consecutive pair it averages |Δ| over the 70 % of pixels that
 * changed least: moving objects cover far less than 30 % of a frame at these sizes, so what remains is background
 * shimmer and global brightness jumps, which a stable video should not have. Score = exp(−mean / FLICKER_SCALE).
 */
export function flickerScore(clip: Clip): { score: number; jitter: number } {
  if (clip.frames.length < 2) return { score: 1, jitter: 0 };
  const per: number[] = [];
  for (let t = 1; t < clip.frames.length; t++) per.push(trimmedChange(clip.frames[t - 1], clip.frames[t]));
  const jitter = per.reduce((a, b) => a + b, 0) / per.length;
  return { score: Math.exp(-jitter / FLICKER_SCALE), jitter };
}

function trimmedChange(a: RgbFrame, b: RgbFrame): number {
  const d = absDiff(a, b).sort();
  const k = Math.max(1, Math.floor(d.length * BACKGROUND_SHARE));
  let s = 0;
  for (let i = 0; i < k; i++) s += d[i];
  return s / k;
}

/** Typical change of the clip, floored so that near-still clips do not turn every ratio into infinity. */
const MIN_TYPICAL_CHANGE = 0.5;

function typicalChange(frames: RgbFrame[], skip?: number): number {
  const d: number[] = [];
  for (let t = 1; t < frames.length; t++) if (t !== skip) d.push(frameDistance(frames[t - 1], frames[t]));
  return Math.max(MIN_TYPICAL_CHANGE, d.length ? median(d) : 0);
}

/**
 * Seam continuity: change across the seam (frames[seam-1] → frames[seam]) over the sequence's median
 * frame-to-frame change elsewhere. 1 = the seam looks like any other step; target ≤ 1.5.
 */
export function seamRatio(frames: RgbFrame[], seam: number): number {
  if (seam < 1 || seam >= frames.length) throw new Error(`seam ${seam} outside 1..${frames.length - 1}`);
  return frameDistance(frames[seam - 1], frames[seam]) / typicalChange(frames, seam);
}

/** Loop closure: last → first change over the median frame-to-frame change; ≤ 1.5 plays as a seamless loop. */
export function loopRatio(clip: Clip): number {
  const f = clip.frames;
  if (f.length < 2) return 0;
  return frameDistance(f[f.length - 1], f[0]) / typicalChange(f);
}
