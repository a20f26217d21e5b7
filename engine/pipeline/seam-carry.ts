// Seam carry: what the VAE loses of a given frame, carried into the frames the model continues from it.
//
// decode(encode(frame)) is not the frame: on our clips the round trip moves it by about one typical frame-to-frame
// step. A pass sees a given frame only as its latent, so the frames it makes continue the round trip, not the
// frame the caller gave, and the seam between the two jumps by that difference. Adding the difference
// (given − round trip) to the new frames, fading out over a few frames, continues the given frame itself; the
// given frames stay byte-for-byte as they were, and past the fade the model's frames are untouched.
import type { RgbFrame } from "../types.ts";
import { sliceFrames, type LatentFrames } from "./conditioning.ts";
import type { ModelPack } from "./pack.ts";
import { decodeFrames } from "./vae.ts";

/** Frames over which the carried difference fades (weights 1, ¾, ½, ¼, then 0). */
export const SEAM_FADE = 4;

/** given − decode(its latent), per byte; the latent is one frame of `latents` (already encoded for the pass). */
export async function roundTripLoss(
  pack: ModelPack, given: RgbFrame, latents: LatentFrames, index: number,
): Promise<Int16Array> {
  const [back] = await decodeFrames(pack, sliceFrames(latents, index, index + 1), given.width, given.height);
  const diff = new Int16Array(given.data.length);
  for (let i = 0; i < diff.length; i++) diff[i] = given.data[i] - back.data[i];
  return diff;
}

/**
 * Adds `loss` to the new frames next to the given one, in place: `towards` "later" when the given frame comes
 * before them (extend forward, image-to-video, an interpolation's start), "earlier" when it comes after (extend
 * backward, an interpolation's end).
 */
export function carryIntoNewFrames(frames: RgbFrame[], loss: Int16Array, towards: "later" | "earlier", fade = SEAM_FADE): void {
  for (let j = 0; j < Math.min(fade, frames.length); j++) {
    const frame = frames[towards === "later" ? j : frames.length - 1 - j];
    if (frame.data.length !== loss.length) throw new Error("seam carry: frame sizes differ");
    const w = 1 - j / fade;
    const d = frame.data;
    for (let i = 0; i < d.length; i++) {
      const v = Math.round(d[i] + w * loss[i]);
      d[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}
