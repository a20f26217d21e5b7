// Shared fixtures for the scorer's tests: held-out scenes rendered at the evaluation's sizes.
import type { AspectRatio, Clip } from "../../engine/types.ts";
import { clipFromPacked } from "../../engine/eval/image.ts";
import { ASPECTS, ASPECT_SIZES, FPS, FRAMES } from "../../engine/eval/sizes.ts";
import { heldoutSet, renderScene, type Scene } from "../../engine/eval/synth-bridge.ts";

export function renderClip(scene: Scene, aspect: AspectRatio = "1:1", frames = FRAMES): Clip {
  const [width, height] = ASPECT_SIZES[aspect];
  return clipFromPacked(renderScene(scene, { width, height, frames }), width, height, frames, FPS);
}

/** `n` held-out scenes, each with the aspect the evaluation would give it. */
export function renderedHeldout(n: number, seed: number): { scene: Scene; aspect: AspectRatio; clip: Clip }[] {
  return heldoutSet(n, seed).map((item, i) => {
    const aspect = ASPECTS[i % ASPECTS.length];
    return { scene: item.scene, aspect, clip: renderClip(item.scene, aspect) };
  });
}
