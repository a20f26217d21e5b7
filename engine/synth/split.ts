// Train / held-out split. A fixed hash holds out ~15% of (colour, shape, motion) combinations: the training split
// never draws them, and the held-out set draws only them, captioned only with held-out templates.

import type { ColorName, Scene } from "./types.ts";
import { COLORS, MOTIONS, SHAPES } from "./types.ts";
import { Rng, hashString } from "./rng.ts";
import { type Combo, comboIsDrawable, randomCombo, randomScene } from "./scenes.ts";
import { captionsFor, heldoutCaptions } from "./captions.ts";

/** Fraction of drawable combinations held out, and the salt that fixes which ones (changing it changes the split). */
export const HELDOUT_FRACTION = 0.15;
const HELDOUT_SALT = "tiny-sora-heldout-v1";

export function isHeldOutCombo(c: Combo): boolean {
  return (hashString(`${HELDOUT_SALT}|${c.color}|${c.shape}|${c.motion}`) % 10000) < HELDOUT_FRACTION * 10000;
}

function allDrawableCombos(): Combo[] {
  const out: Combo[] = [];
  for (const color of COLORS) for (const shape of SHAPES) for (const motion of MOTIONS) {
    if (comboIsDrawable(shape, motion)) out.push({ color, shape, motion });
  }
  return out;
}

export const HELDOUT_COMBOS: readonly Combo[] = allDrawableCombos().filter(isHeldOutCombo);

export function sceneHasHeldOutCombo(scene: Scene): boolean {
  return scene.objects.some((o) => isHeldOutCombo(o));
}

/** Object counts in training: mostly one object, some two, a few three. */
const TRAIN_OBJECT_COUNTS = [0.55, 0.3, 0.15];
/** Share of training translations that enter or leave the frame (scenes.ts, offFrameShift). The held-out set keeps
 * every path centred, so evaluation scenes and their ground truth are unchanged. */
export const TRAIN_OFF_FRAME_SHARE = 0.3;
/** The evaluation is about single objects with some pairs. */
const HELDOUT_OBJECT_COUNTS = [0.8, 0.2, 0];

export function trainingScene(rng: Rng): Scene {
  return randomScene(rng, {
    objectCountWeights: TRAIN_OBJECT_COUNTS,
    offFrameShare: TRAIN_OFF_FRAME_SHARE,
    pickCombo: (r, colors) => randomCombo(r, colors, MOTIONS, (c) => !isHeldOutCombo(c)),
  });
}

export function trainingCaptions(scene: Scene, rng: Rng): string[] {
  return captionsFor(scene, rng);
}

function pickHeldOutCombo(rng: Rng, colors: ColorName[]): Combo | null {
  const fitting = HELDOUT_COMBOS.filter((c) => colors.includes(c.color));
  return fitting.length > 0 ? rng.pick(fitting) : null;
}

export function heldoutScene(rng: Rng): Scene {
  return randomScene(rng, { objectCountWeights: HELDOUT_OBJECT_COUNTS, pickCombo: pickHeldOutCombo });
}

export interface HeldoutItem {
  scene: Scene;
  caption: string;
  /** Every held-out phrasing of the scene; `caption` is the first. */
  captions: string[];
}

/** Deterministic held-out evaluation set, computed in memory (needs no files). */
export function heldoutSet(n: number, seed: number): HeldoutItem[] {
  const rng = new Rng(hashString(`heldout-set:${seed >>> 0}`));
  const out: HeldoutItem[] = [];
  for (let i = 0; i < n; i++) {
    const scene = heldoutScene(rng);
    const captions = heldoutCaptions(scene, rng);
    out.push({ scene, caption: captions[0], captions });
  }
  return out;
}
