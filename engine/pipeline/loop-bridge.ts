// How a loop's bridge pass runs (generate.ts, "loop"; the split itself is loopLayout in conditioning.ts).
//
// A loop whose objects only grow or shrink has to turn its motion round inside the loop: a box that shrinks through
// the clip grows back during the bridge. Denoised forwards, that bridge fights its caption ("shrinks") and the four
// context frames on each side, which carry the clip's own shrinking: the model settled on a size between the two
// ends, a pop where the bridge begins and another at the wrap. Denoised backwards, the bridge shrinks from the
// clip's first frame to its last, the way its caption says; with one known frame at each end the turn is not held
// to the clip's velocity. Translations, orbits and bounces keep the forward bridge and all its context: measured,
// backwards and shorter context made their loops worse (model card, "Loops that turn round").
import type { Scene } from "../synth/index.ts";

export interface BridgeOrder {
  /** Denoise the bridge with time reversed (its context frames reversed and swapped, its output reversed back). */
  backwards: boolean;
  /** How many of the clip's frames the bridge sees at each end. */
  known: number;
}

const TURNING = new Set(["grow", "shrink"]);

/** `scene`: the rewritten prompt's scene, if the prompt was parsed; `context`: the loop plan's context frames. */
export function bridgeOrder(scene: Scene | undefined, context: number): BridgeOrder {
  const objects = scene?.objects ?? [];
  const turns = objects.some((o) => TURNING.has(o.motion)) && objects.every((o) => TURNING.has(o.motion) || o.motion === "still");
  return turns ? { backwards: true, known: 1 } : { backwards: false, known: context };
}
