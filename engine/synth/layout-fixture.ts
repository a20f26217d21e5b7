// The layout fixture test/train checks Python's layout.py against: a few held-out scenes with their tracks and the
// layout tensors layout.ts builds from them. Written by `npx tsx engine/synth/layout-cli.ts --fixture FILE`;
// test/synth/layout.test.ts checks the committed file is what this builds today.
import {
  CLIP_FRAMES, LAYOUT_CHANNELS, MAX_OBJECTS, SAMPLES, TOKEN_PX, buildLayout, layoutTracks, objectAttrs,
} from "./layout.ts";
import { SHARD_SIZES } from "./shards.ts";
import { heldoutSet } from "./split.ts";

export function layoutHeader(width: number, height: number, frames: number) {
  return {
    channels: LAYOUT_CHANNELS, token_px: TOKEN_PX, samples: SAMPLES, clip_frames: CLIP_FRAMES,
    max_objects: MAX_OBJECTS, frames, width, height,
  };
}

export function layoutFixture(count: number) {
  const aspects = ["1x1", "16x9", "9x16"] as const;
  const items = heldoutSet(count, 3).map((item, i) => {
    const { width, height } = SHARD_SIZES[aspects[i % 3]];
    // Every other item a later window: the layout of frames past the clip's end continues each track.
    const first = i % 2 === 0 ? 0 : 12;
    const frames = 9;
    const tracks = layoutTracks(item.scene, frames, first);
    const attrs = objectAttrs(item.scene);
    return {
      scene: item.scene, width, height, first_frame: first, frames, attrs,
      tracks: tracks.map((ps) => ps.map((p) => [p.x, p.y, p.r])),
      layout: Array.from(buildLayout(tracks, attrs, width, height)),
    };
  });
  return { ...layoutHeader(0, 0, 0), items };
}
