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

/** A caption of the scene in the training style; "long" gives the most detail. Deterministic. */
export function describeScene(partial: PartialScene, level: DetailLevel = "long"): string {
  const scene = completeScene(partial);
  return captionAtLevel(scene, new Rng(hashString(`describe:${level}`)), level);
}
