// Random scene generation: backgrounds, objects, start positions and the spacing of several objects.
// Which (colour, shape, motion) combinations may be drawn is decided by the caller (see split.ts).

import type {
  Background, ColorName, DiagonalName, MotionName, Scene, SceneObject, ShapeName, SizeName, SpeedName,
} from "./types.ts";
import { DIAGONALS, FLOOR_LOOKS, SHAPES, SKY_LOOKS, SOLID_COLORS, SPEEDS } from "./types.ts";
import { Rng } from "./rng.ts";
import { allowedColors } from "./palette.ts";
import { DIAGONAL_AXIS, ORBIT_CENTER, ORBIT_RADIUS, TRAVEL, clipTime, trackAt, travelDirection } from "./motion.ts";
import { SIZE_DIAMETER } from "./render.ts";
import { HORIZON } from "./background.ts";

export interface Combo {
  color: ColorName;
  shape: ShapeName;
  motion: MotionName;
}

/** Spinning a circle or a ring changes no pixel, so such a clip could not show its caption. */
export function comboIsDrawable(shape: ShapeName, motion: MotionName): boolean {
  return !(motion === "spin" && (shape === "circle" || shape === "ring"));
}

export function randomBackground(rng: Rng): Background {
  const kind = rng.weighted(["solid", "sky", "floor"] as const, [0.4, 0.35, 0.25]);
  if (kind === "solid") return { kind, color: rng.pick(SOLID_COLORS) };
  if (kind === "sky") return { kind, look: rng.pick(SKY_LOOKS) };
  return { kind, look: rng.pick(FLOOR_LOOKS) };
}

const JITTER = 0.05;

/** How far a translating object's path is slid along its direction: with probability `share`, far enough that the
 * path's far end lands 0.95–1.15 of the frame from its start side (diagonals 0.82–0.97 on each axis; a centred
 * path ends at 0.5 + travel/2), slid forwards (the object reaches the edge and leaves) or backwards (it enters from
 * beyond the edge); else 0.
 * Why: with every path centred, the model never saw an object at an edge still travelling outwards, so extending
 * such a clip pulled the object back towards the middle, a jump at the seam. */
export function offFrameShift(rng: Rng, share: number, speed: SpeedName): number {
  if (share <= 0 || !rng.chance(share)) return 0;
  const half = TRAVEL[speed] / 2;
  return (rng.chance(0.5) ? 1 : -1) * rng.range(0.45 - half, 0.65 - half);
}

/** Frame-0 centre for a motion: translations start on the side opposite their direction (CONTRACTS.md §1). */
export function startFor(
  motion: MotionName, speed: SpeedName, diagonal: DiagonalName | undefined, bg: Background, rng: Rng, crowded = false,
): [number, number] {
  const d = TRAVEL[speed];
  const j = () => rng.range(-JITTER, JITTER);
  // With several objects the coordinate a motion leaves free spreads wider, so that objects find separate rows.
  const free = () => (crowded ? rng.range(0.15, 0.85) : rng.range(0.25, 0.75));
  switch (motion) {
    case "left": return [0.5 + d / 2 + j(), free()];
    case "right": return [0.5 - d / 2 + j(), free()];
    case "up": return [free(), 0.5 + d / 2 + j()];
    case "down": return [free(), 0.5 - d / 2 + j()];
    case "diagonal": {
      const dd = (d * DIAGONAL_AXIS) / 2;
      const dg = diagonal ?? "up-right";
      return [0.5 + (dg.endsWith("left") ? dd : -dd) + j(), 0.5 + (dg.startsWith("up") ? dd : -dd) + j()];
    }
    case "bounce": {
      // Hop off the ground when there is one, otherwise off an imagined floor in the lower part of the frame.
      const floorY = bg.kind === "floor" ? HORIZON + 0.16 : 0.74;
      return [free(), floorY + rng.range(-0.03, 0.03)];
    }
    case "orbit": {
      const a = rng.range(0, 2 * Math.PI);
      return [ORBIT_CENTER[0] + ORBIT_RADIUS * Math.cos(a), ORBIT_CENTER[1] + ORBIT_RADIUS * Math.sin(a)];
    }
    default:
      return crowded ? [free(), free()] : [rng.range(0.3, 0.7), rng.range(0.3, 0.7)];
  }
}

const CHECK_FRAMES = 17;

/** True when two objects keep a gap between them on every frame (checked in 1:1, the tightest aspect). */
export function keepApart(a: SceneObject, b: SceneObject): boolean {
  const ra = SIZE_DIAMETER[a.size] / 2, rb = SIZE_DIAMETER[b.size] / 2;
  for (let f = 0; f < CHECK_FRAMES; f++) {
    const t = clipTime(f, CHECK_FRAMES);
    const pa = trackAt(a, t), pb = trackAt(b, t);
    const gap = Math.hypot(pa.x - pb.x, pa.y - pb.y) - (ra * pa.scale + rb * pb.scale) * 1.15;
    if (gap < 0.03) return false;
  }
  return true;
}

export interface SceneOptions {
  /** Chooses a combination whose colour is one of `colors`, or null when none is possible. */
  pickCombo: (rng: Rng, colors: ColorName[]) => Combo | null;
  /** Relative weights of 1, 2, 3 objects. */
  objectCountWeights: readonly number[];
  /** Share of translating objects whose path enters or leaves the frame (0 = every path centred, no extra draws). */
  offFrameShare?: number;
}

function sizeFor(rng: Rng, crowded: boolean): SizeName {
  return crowded ? rng.weighted(["small", "medium", "large"] as const, [0.55, 0.4, 0.05])
    : rng.weighted(["small", "medium", "large"] as const, [0.3, 0.4, 0.3]);
}

export function randomScene(rng: Rng, opts: SceneOptions): Scene {
  // A background that rules out every colour the caller may draw is simply drawn again.
  for (let attempt = 0; attempt < 20; attempt++) {
    const scene = sceneOnBackground(rng, opts, randomBackground(rng));
    if (scene) return scene;
  }
  throw new Error("no drawable combination fits any background tried");
}

function sceneOnBackground(rng: Rng, opts: SceneOptions, background: Background): Scene | null {
  const wanted = 1 + rng.weighted([0, 1, 2], opts.objectCountWeights);
  const objects: SceneObject[] = [];
  for (let n = 0; n < wanted; n++) {
    const colors = allowedColors(background).filter((c) => !objects.some((o) => o.color === c));
    let placed = false;
    for (let attempt = 0; attempt < 40 && !placed; attempt++) {
      const combo = opts.pickCombo(rng, colors);
      if (!combo) break;
      // A still object has no speed to show; keep the field constant so captions and data agree.
      const speed: SpeedName = combo.motion === "still" ? "normal" : rng.pick(SPEEDS);
      const diagonal = combo.motion === "diagonal" ? rng.pick(DIAGONALS) : undefined;
      const dir = travelDirection({ motion: combo.motion, diagonal });
      const along = dir ? offFrameShift(rng, opts.offFrameShare ?? 0, speed) : 0;
      const candidate: SceneObject = {
        color: combo.color, shape: combo.shape, size: sizeFor(rng, wanted > 1), motion: combo.motion, speed,
        ...(diagonal ? { diagonal } : {}),
        start: startFor(combo.motion, speed, diagonal, background, rng, wanted > 1),
      };
      // Slide the whole path along its direction (0 for most objects).
      if (dir) candidate.start = [candidate.start[0] + dir[0] * along, candidate.start[1] + dir[1] * along];
      if (objects.every((o) => keepApart(o, candidate))) {
        objects.push(candidate);
        placed = true;
      }
    }
    // A crowded scene simply ends up with fewer objects; the first object always fits.
    if (!placed) break;
  }
  if (objects.length === 0) return null;
  return { background, objects, seed: rng.seed() };
}

/** Uniform random drawable combination among `colors`, filtered by `accept`. */
export function randomCombo(rng: Rng, colors: ColorName[], motions: readonly MotionName[],
  accept: (c: Combo) => boolean): Combo | null {
  if (colors.length === 0) return null;
  for (let k = 0; k < 200; k++) {
    const combo: Combo = { color: rng.pick(colors), shape: rng.pick(SHAPES), motion: rng.pick(motions) };
    if (comboIsDrawable(combo.shape, combo.motion) && accept(combo)) return combo;
  }
  return null;
}
