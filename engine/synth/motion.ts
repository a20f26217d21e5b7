// Where each object is on every frame: the single definition used by the renderer and by the evaluation's ground truth.

import type { MotionName, Scene, SceneObject, SpeedName, TrackPoint } from "./types.ts";

/** Fraction of the frame a translating object covers over the clip (CONTRACTS.md §1). */
export const TRAVEL: Record<SpeedName, number> = { slow: 0.3, normal: 0.5, fast: 0.7 };
/** Diagonals travel this much of `TRAVEL` along each axis, so the path length stays close to `TRAVEL`. */
export const DIAGONAL_AXIS = 0.72;
const BOUNCE_HEIGHT: Record<SpeedName, number> = { slow: 0.24, normal: 0.32, fast: 0.4 };
const BOUNCE_COUNT: Record<SpeedName, number> = { slow: 2, normal: 2, fast: 3 };
/** Full turns over the clip. Kept under half a star's 72° symmetry per frame at 17 frames so spin never looks reversed. */
const SPIN_TURNS: Record<SpeedName, number> = { slow: 1, normal: 1.2, fast: 1.4 };
const GROW_TO: Record<SpeedName, number> = { slow: 1.7, normal: 2, fast: 2.3 };
const SHRINK_TO: Record<SpeedName, number> = { slow: 0.6, normal: 0.45, fast: 0.35 };
const ORBIT_TURNS: Record<SpeedName, number> = { slow: 0.5, normal: 0.75, fast: 1 };
export const ORBIT_CENTER: [number, number] = [0.5, 0.5];
export const ORBIT_RADIUS = 0.25;

export const TRANSLATIONS: readonly MotionName[] = ["left", "right", "up", "down", "diagonal"];

/** Unit direction (x right, y down) of a translation, or null for motions that do not translate. */
export function travelDirection(o: Pick<SceneObject, "motion" | "diagonal">): [number, number] | null {
  switch (o.motion) {
    case "left": return [-1, 0];
    case "right": return [1, 0];
    case "up": return [0, -1];
    case "down": return [0, 1];
    case "diagonal": {
      const d = o.diagonal ?? "up-right";
      return [d.endsWith("left") ? -DIAGONAL_AXIS : DIAGONAL_AXIS, d.startsWith("up") ? -DIAGONAL_AXIS : DIAGONAL_AXIS];
    }
    default: return null;
  }
}

/** The object's state at clip time t ∈ [0, 1]. */
export function trackAt(o: SceneObject, t: number): TrackPoint {
  const [sx, sy] = o.start;
  const dir = travelDirection(o);
  if (dir) {
    const d = TRAVEL[o.speed];
    return { x: sx + dir[0] * d * t, y: sy + dir[1] * d * t, scale: 1, angle: 0 };
  }
  switch (o.motion) {
    case "bounce": {
      // Parabolic hops off a floor at the start height, like a ball: y is highest mid-hop.
      const phase = (BOUNCE_COUNT[o.speed] * t) % 1;
      return { x: sx, y: sy - BOUNCE_HEIGHT[o.speed] * 4 * phase * (1 - phase), scale: 1, angle: 0 };
    }
    case "spin":
      return { x: sx, y: sy, scale: 1, angle: SPIN_TURNS[o.speed] * 2 * Math.PI * t };
    case "grow":
      return { x: sx, y: sy, scale: 1 + (GROW_TO[o.speed] - 1) * t, angle: 0 };
    case "shrink":
      return { x: sx, y: sy, scale: 1 + (SHRINK_TO[o.speed] - 1) * t, angle: 0 };
    case "orbit": {
      // Radius and phase come from `start`, so `start` stays the true frame-0 centre.
      const dx = sx - ORBIT_CENTER[0], dy = sy - ORBIT_CENTER[1];
      const radius = Math.hypot(dx, dy) > 0.02 ? Math.hypot(dx, dy) : ORBIT_RADIUS;
      const a = Math.atan2(dy, dx) + ORBIT_TURNS[o.speed] * 2 * Math.PI * t;
      return { x: ORBIT_CENTER[0] + radius * Math.cos(a), y: ORBIT_CENTER[1] + radius * Math.sin(a), scale: 1, angle: 0 };
    }
    default:
      return { x: sx, y: sy, scale: 1, angle: 0 };
  }
}

export function clipTime(frame: number, frames: number): number {
  return frames <= 1 ? 0 : frame / (frames - 1);
}

/** Ground-truth track of object `index`: normalized centre, scale and angle (radians, clockwise) per frame. */
export function objectTrack(scene: Scene, index: number, frames: number): TrackPoint[] {
  const o = scene.objects[index];
  if (!o) throw new Error(`scene has no object ${index}`);
  const out: TrackPoint[] = [];
  for (let f = 0; f < frames; f++) out.push(trackAt(o, clipTime(f, frames)));
  return out;
}
