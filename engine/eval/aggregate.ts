// Turning per-clip scores into one row of rates.
import type { ClipScore } from "./score.ts";

export interface RowMetrics {
  /** Clips scored. */
  n: number;
  /** Shares in [0, 1]: per expected object (colour, shape, motion), per clip (count, background), per translating
   * object (direction, speed). null when nothing was eligible. */
  colour: number | null;
  shape: number | null;
  count: number | null;
  background: number | null;
  direction: number | null;
  motion: number | null;
  speed: number | null;
  /** Mean flicker score (1 = none). */
  flicker: number | null;
  /** Mean seam ratio of forward extensions (≤ 1.5 target), and how many were measured. */
  seam: number | null;
  seamN: number;
  /** The same over items whose object travels (the first `--temporal` such items): extending a moving object is
   * where a seam is hardest, and the first items hold few of them. */
  movingSeam: number | null;
  movingSeamN: number;
  /** Mean loop-closure ratio, and how many were measured. */
  loop: number | null;
  loopN: number;
  /** Mean ratio at the loop's clip → bridge seam (inside the loop), and how many were measured. */
  loopSeam: number | null;
  loopSeamN: number;
}

function rate(values: (boolean | null)[]): number | null {
  const v = values.filter((x): x is boolean => x !== null);
  return v.length ? v.filter(Boolean).length / v.length : null;
}

function avg(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Seam and loop ratios measured on a row's extensions and loops (engine/eval/temporal.ts); none for the ceiling. */
export interface TemporalRatios {
  seams?: number[];
  loops?: number[];
  movingSeams?: number[];
  loopSeams?: number[];
}

export function aggregate(scores: ClipScore[], { seams = [], loops = [], movingSeams = [], loopSeams = [] }: TemporalRatios = {}): RowMetrics {
  const objs = scores.flatMap((s) => s.objects);
  return {
    n: scores.length,
    colour: rate(objs.map((o) => o.color)),
    shape: rate(objs.map((o) => o.shape)),
    count: rate(scores.map((s) => s.count.ok)),
    background: rate(scores.map((s) => s.background.ok)),
    direction: rate(objs.map((o) => o.direction)),
    motion: rate(objs.map((o) => o.motion)),
    speed: rate(objs.map((o) => o.speed)),
    flicker: avg(scores.map((s) => s.flicker)),
    seam: avg(seams),
    seamN: seams.length,
    movingSeam: avg(movingSeams),
    movingSeamN: movingSeams.length,
    loop: avg(loops),
    loopN: loops.length,
    loopSeam: avg(loopSeams),
    loopSeamN: loopSeams.length,
  };
}
