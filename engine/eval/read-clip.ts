// Everything the scorer reads from a clip's pixels, before comparing with any scene.
import type { Clip } from "../types.ts";
import { estimateBackground, type BackgroundModel } from "./background.ts";
import { classifyMotion, type MotionReading } from "./motion.ts";
import { MIN_AREA, backgroundDistance, clipThreshold, segmentFrame, type Blob } from "./segment.ts";
import { classifyShape, type ShapeReading } from "./shape.ts";
import { linkTracks, persistentTracks, type Track } from "./track.ts";
import { flickerScore } from "./temporal.ts";
import type { ColorName } from "./synth-bridge.ts";

export interface ObjectReading {
  color: ColorName;
  shape: ShapeReading;
  motion: MotionReading;
  /** Normalized centre where the object is first seen. */
  start: [number, number];
  /** Largest coverage-weighted area over the clip, in pixels. */
  maxArea: number;
  track: Track;
}

export interface ClipReading {
  background: BackgroundModel;
  /** Persistent objects, largest first. */
  objects: ObjectReading[];
  flicker: number;
  /** Mean trimmed frame-to-frame change (grey levels) behind the flicker score. */
  jitter: number;
  threshold: number;
}

export function readClip(clip: Clip): ClipReading {
  const { width, height } = clip;
  const background = estimateBackground(clip);
  const dists = clip.frames.map((f) => backgroundDistance(f, background));
  const threshold = clipThreshold(dists);
  const perFrame: Blob[][] = clip.frames.map((f, i) =>
    segmentFrame(f, i, background, dists[i], { threshold, minArea: MIN_AREA }));
  const tracks = persistentTracks(linkTracks(perFrame, width, height), clip.frames.length);
  const objects = tracks.map((track): ObjectReading => {
    const seen = track.blobs.filter((b): b is Blob => b !== null);
    const first = seen[0];
    return {
      color: track.color,
      shape: classifyShape(seen),
      motion: classifyMotion(track, width, height),
      start: [first.cx / width, first.cy / height],
      maxArea: Math.max(...seen.map((b) => b.area)),
      track,
    };
  });
  objects.sort((a, b) => b.maxArea - a.maxArea);
  const { score, jitter } = flickerScore(clip);
  return { background, objects, flicker: score, jitter, threshold };
}
