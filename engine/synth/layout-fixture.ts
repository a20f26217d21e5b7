// The layout fixture test/train checks Python's layout.py against: a few held-out scenes with their tracks and the
// layout tensors layout.ts builds from them. Written by `npx tsx engine/synth/layout-cli.ts --fixture FILE`;
// test/synth/layout.test.ts checks the committed file is what this builds today.
import {
  CLIP_FRAMES, LAYOUT_CHANNELS, MAX_OBJECTS, SAMPLES, TOKEN_PX, buildLayout, layoutTracks, objectAttrs,
} from "./layout.ts";
import type { LayoutPoint } from "./layout.ts";
import type { Scene } from "./types.ts";
import { SHARD_SIZES } from "./shards.ts";
import { heldoutSet } from "./split.ts";

/** The values of one track point in the files Python reads, in order. */
export const TRACK_POINT = ["x", "y", "r", "angle"] as const;

export function pointValues(p: LayoutPoint): number[] {
  return [p.x, p.y, p.r, p.angle ?? 0];
}

export function layoutHeader(width: number, height: number, frames: number) {
  return {
    channels: LAYOUT_CHANNELS, token_px: TOKEN_PX, samples: SAMPLES, clip_frames: CLIP_FRAMES,
    max_objects: MAX_OBJECTS, point: TRACK_POINT, frames, width, height,
  };
}

/**
 * Scenes the held-out draw may miss, so every shape's outline (the silhouette channels) and a turning one are in the
 * fixture: a spinning star, a large ring beside a small square, a heart and a triangle overlapping.
 */
const OUTLINE_SCENES: Scene[] = [
  { background: { kind: "solid", color: "gray" }, seed: 1,
    objects: [{ color: "yellow", shape: "star", size: "large", motion: "spin", speed: "fast", start: [0.5, 0.5] }] },
  { background: { kind: "solid", color: "black" }, seed: 2, objects: [
    { color: "red", shape: "ring", size: "large", motion: "still", speed: "normal", start: [0.35, 0.4] },
    { color: "blue", shape: "square", size: "small", motion: "spin", speed: "slow", start: [0.75, 0.7] }] },
  { background: { kind: "solid", color: "white" }, seed: 3, objects: [
    { color: "pink", shape: "heart", size: "medium", motion: "right", speed: "normal", start: [0.4, 0.5] },
    { color: "green", shape: "triangle", size: "medium", motion: "left", speed: "normal", start: [0.55, 0.5] }] },
];

export function layoutFixture(count: number) {
  const aspects = ["1x1", "16x9", "9x16"] as const;
  const drawn = heldoutSet(Math.max(0, count - OUTLINE_SCENES.length), 3).map((item) => item.scene);
  const items = [...OUTLINE_SCENES, ...drawn].slice(0, count).map((scene, i) => {
    const { width, height } = SHARD_SIZES[aspects[i % 3]];
    // Every other item a later window: the layout of frames past the clip's end continues each track.
    const first = i % 2 === 0 ? 0 : 12;
    const frames = 9;
    const tracks = layoutTracks(scene, frames, first);
    const attrs = objectAttrs(scene);
    return {
      scene, width, height, first_frame: first, frames, attrs,
      tracks: tracks.map((ps) => ps.map(pointValues)),
      layout: Array.from(buildLayout(tracks, attrs, width, height)),
    };
  });
  return { ...layoutHeader(0, 0, 0), items };
}
