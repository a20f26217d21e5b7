// The held-out items every evaluation row scores, and how item i is rendered (its aspect, size and length).
import type { AspectRatio, Clip } from "../types.ts";
import { clipFromPacked } from "./image.ts";
import { ASPECTS, ASPECT_SIZES, FPS, FRAMES } from "./sizes.ts";
import { heldoutSet, renderScene, type HeldoutItem } from "./synth-bridge.ts";

/** Item i uses aspect 1:1, 16:9, 9:16 in turn, so every row sees all three. */
export const aspectOf = (i: number): AspectRatio => ASPECTS[i % ASPECTS.length];

export function evalItems(n: number, seed: number): HeldoutItem[] {
  return heldoutSet(n, seed);
}

/** Item i's scene rendered at its aspect (1:1, 16:9, 9:16 in turn): the renderer row scores it, the VAE row encodes it. */
export function renderItem(item: HeldoutItem, i: number): { clip: Clip; aspect: AspectRatio } {
  const aspect = aspectOf(i);
  const [width, height] = ASPECT_SIZES[aspect];
  return { aspect, clip: clipFromPacked(renderScene(item.scene, { width, height, frames: FRAMES }), width, height, FRAMES, FPS) };
}
