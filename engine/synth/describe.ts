// Prompt expansion: turns a partly specified scene (from parsePrompt) into a complete one, filling what the user
// left unsaid with plain defaults, and describes it in the training captions' own words.

import type { Background, ColorName, Scene, SceneObject } from "./types.ts";
import { Rng, hashString } from "./rng.ts";
import { allowedColors } from "./palette.ts";
import { captionAtLevel, type DetailLevel } from "./captions.ts";
import { startFor } from "./scenes.ts";

export interface PartialScene {
  background?: Background;
  objects: Partial<SceneObject>[];
}

/** "A plain dark background" when the prompt names none. */
export const DEFAULT_BACKGROUND: Background = { kind: "solid", color: "black" };
/** Colours tried, in order, for an object whose colour was not asked for. */
const DEFAULT_COLORS: readonly ColorName[] = ["red", "blue", "yellow", "green", "orange", "purple", "white", "pink", "cyan"];

/** Spreads several objects across the frame (rows for sideways motion, columns otherwise) so they do not overlap. */
function spreadStart(o: SceneObject, i: number, n: number, rng: Rng, bg: Background): [number, number] {
  const [x, y] = startFor(o.motion, o.speed, o.diagonal, bg, rng);
  if (n === 1) {
    return o.motion === "still" || o.motion === "spin" || o.motion === "grow" || o.motion === "shrink" ? [0.5, 0.5] : [x, y];
  }
  const lane = (i + 1) / (n + 1);
  if (o.motion === "left" || o.motion === "right") return [x, lane];
  if (o.motion === "orbit") return [x, y];
  return [lane, o.motion === "up" || o.motion === "down" || o.motion === "bounce" ? y : 0.5];
}

/** Fills unspecified attributes: circle, medium, normal speed, still, a colour that shows on the background. */
export function completeScene(partial: PartialScene, seed = 0): Scene {
  const background = partial.background ?? DEFAULT_BACKGROUND;
  const rng = new Rng(hashString(`complete:${seed}`));
  const wanted = partial.objects.length > 0 ? partial.objects : [{}];
  const taken = new Set(wanted.map((o) => o.color).filter((c): c is ColorName => !!c));
  const usable = allowedColors(background);
  const objects: SceneObject[] = wanted.map((p) => {
    let color = p.color;
    if (!color) {
      color = DEFAULT_COLORS.find((c) => usable.includes(c) && !taken.has(c)) ?? usable[0];
      taken.add(color);
    }
    const motion = p.motion ?? "still";
    const o: SceneObject = {
      color, shape: p.shape ?? "circle", size: p.size ?? "medium", motion,
      speed: motion === "still" ? "normal" : (p.speed ?? "normal"),
      start: p.start ?? [0.5, 0.5],
    };
    if (motion === "diagonal") o.diagonal = p.diagonal ?? "up-right";
    return o;
  });
  objects.forEach((o, i) => {
    const given = wanted[i].start;
    if (!given) o.start = spreadStart(o, i, objects.length, rng, background);
  });
  return { background, objects, seed: hashString(`scene:${seed}`) };
}

/**
 * The scene a follow-up prompt asks for, given the scene of the clip it continues ("now it moves left" after a blue
 * star spinning on grass: the blue star moves left on grass). Each object the prompt names changes the parent's
 * object of the same colour, else of the same shape, else the next one not yet changed; an object with nothing left
 * to change is added (up to three). What the prompt leaves unsaid, the background included, stays as it was.
 */
export function continueScene(parent: PartialScene, change: PartialScene): PartialScene {
  const objects = parent.objects.map((o) => ({ ...o }));
  const changed = new Set<number>();
  for (const o of change.objects) {
    const free = objects.map((_, i) => i).filter((i) => !changed.has(i));
    const i = free.find((k) => o.color !== undefined && objects[k].color === o.color)
      ?? free.find((k) => o.shape !== undefined && objects[k].shape === o.shape)
      ?? (o.color === undefined && o.shape === undefined ? free[0] : free.find((k) => !namesOther(objects[k], o)));
    if (i === undefined) {
      if (objects.length < 3) changed.add(objects.push({ ...o }) - 1);
      continue;
    }
    const old = objects[i];
    const next = { ...old, ...o };
    // A new motion starts from its own path: the old place and diagonal belonged to the old motion.
    if (o.motion !== undefined && o.motion !== old.motion) {
      if (o.start === undefined) delete next.start;
      if (o.motion !== "diagonal") delete next.diagonal;
    }
    objects[i] = next;
    changed.add(i);
  }
  return { objects, background: change.background ?? parent.background };
}

/** Does `o` name a colour and a shape that `existing` has neither of (a different object, not a change of it)? */
function namesOther(existing: Partial<SceneObject>, o: Partial<SceneObject>): boolean {
  return o.color !== undefined && o.shape !== undefined && o.color !== existing.color && o.shape !== existing.shape;
}

/** A caption of the scene in the training style; "long" gives the most detail. Deterministic. */
export function describeScene(partial: PartialScene, level: DetailLevel = "long"): string {
  const scene = completeScene(partial);
  return captionAtLevel(scene, new Rng(hashString(`describe:${level}`)), level);
}
