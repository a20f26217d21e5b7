// Turning what a person asks for (seconds, a picture's shape) into a GenerateRequest's numbers. Shared by the CLI and
// the engine worker so that `sora generate --seconds 2` and `/sora --seconds 2` make clips of the same length.
import type { AspectRatio } from "../types.ts";
import type { PipelineInfo } from "./types.ts";

/**
 * Frames to ask the model for, for a clip of `seconds`; undefined leaves the pipeline's default. A clip of S seconds
 * has S·fps intervals and so one more frame ("clip": none, image, loop); extensions and in-betweens only add
 * intervals after (or before) frames that already exist ("continuation": extend, interpolate).
 */
export function framesForSeconds(seconds: number | undefined, fps: number, shape: "clip" | "continuation"): number | undefined {
  if (seconds === undefined) return undefined;
  const span = Math.max(1, Math.round(seconds * fps));
  return shape === "continuation" ? span : span + 1;
}

/** The supported aspect ratio nearest to a picture's own (compared in log space, so 2:1 and 1:2 are symmetric). */
export function nearestAspect(width: number, height: number, sizes: PipelineInfo["sizes"]): AspectRatio {
  const want = Math.log(width / height);
  let best: AspectRatio = "1:1";
  let bestGap = Infinity;
  for (const [aspect, [w, h]] of Object.entries(sizes) as [AspectRatio, [number, number]][]) {
    const gap = Math.abs(Math.log(w / h) - want);
    if (gap < bestGap) [best, bestGap] = [aspect, gap];
  }
  return best;
}
