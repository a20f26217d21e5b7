// Comparing what the pixels show (read-clip.ts) with the scene a clip was asked to show.
import type { Clip } from "../types.ts";
import { backgroundLabel } from "./background.ts";
import { MIN_TRAVEL, directionOf } from "./motion.ts";
import { readClip, type ClipReading, type ObjectReading } from "./read-clip.ts";
import { TRANSLATIONS, TRAVEL, type Scene, type SceneObject, type SpeedName } from "./synth-bridge.ts";

/** Motions with a direction to score: the ones the renderer and its captions treat as travel. */
export function isTranslation(o: SceneObject): boolean {
  return TRANSLATIONS.includes(o.motion);
}

export interface ObjectScore {
  expected: SceneObject;
  /** What the matched track showed; null when no object was left to match. */
  read: { color: string; shape: string; motion: string; diagonal?: string; travel: number } | null;
  color: boolean;
  shape: boolean;
  /** Motion class (a diagonal must also have the right corner). */
  motion: boolean;
  /** Translations only (null otherwise): the displacement points the expected way. */
  direction: boolean | null;
  /** Translations only: the travelled distance is nearest the expected speed's TRAVEL. */
  speed: boolean | null;
}

export interface ClipScore {
  background: { expected: string; read: string; ok: boolean };
  count: { expected: number; read: number; ok: boolean };
  objects: ObjectScore[];
  flicker: number;
  jitter: number;
}

export function scoreClip(clip: Clip, scene: Scene): ClipScore {
  return scoreReading(readClip(clip), scene);
}

export function scoreReading(reading: ClipReading, scene: Scene): ClipScore {
  const expectedBg = backgroundLabel(scene.background);
  const pairs = matchObjects(scene.objects, reading.objects);
  return {
    background: { expected: expectedBg, read: reading.background.label, ok: reading.background.label === expectedBg },
    count: { expected: scene.objects.length, read: reading.objects.length, ok: reading.objects.length === scene.objects.length },
    objects: scene.objects.map((o, i) => scoreObject(o, pairs[i])),
    flicker: reading.flicker,
    jitter: reading.jitter,
  };
}

/**
 * Pairs each expected object with at most one read object: cheapest first, where a wrong colour costs 1 and the
 * distance between the expected and the read start adds to it. Expected objects have distinct colours by design.
 */
function matchObjects(expected: SceneObject[], read: ObjectReading[]): (ObjectReading | null)[] {
  const cand: { cost: number; e: number; r: number }[] = [];
  expected.forEach((o, e) => read.forEach((r, k) => {
    const cost = (r.color === o.color ? 0 : 1) + Math.hypot(r.start[0] - o.start[0], r.start[1] - o.start[1]);
    cand.push({ cost, e, r: k });
  }));
  cand.sort((a, b) => a.cost - b.cost);
  const out: (ObjectReading | null)[] = expected.map(() => null);
  const used = new Set<number>();
  for (const c of cand) {
    if (out[c.e] || used.has(c.r)) continue;
    out[c.e] = read[c.r];
    used.add(c.r);
  }
  return out;
}

function scoreObject(o: SceneObject, r: ObjectReading | null): ObjectScore {
  const translation = isTranslation(o);
  if (!r) {
    return { expected: o, read: null, color: false, shape: false, motion: false,
      direction: translation ? false : null, speed: translation ? false : null };
  }
  const m = r.motion;
  const motionOk = m.motion === o.motion && (o.motion !== "diagonal" || m.diagonal === o.diagonal);
  let direction: boolean | null = null;
  let speed: boolean | null = null;
  if (translation) {
    // Direction from the displacement alone, whatever class the path got (a bent path still points somewhere).
    const d = directionOf(m.dx, m.dy);
    direction = m.travel >= MIN_TRAVEL && d.motion === o.motion && (o.motion !== "diagonal" || d.diagonal === o.diagonal);
    speed = nearestSpeed(m.travel) === o.speed;
  }
  return {
    expected: o,
    read: { color: r.color, shape: r.shape.shape, motion: m.motion, ...(m.diagonal ? { diagonal: m.diagonal } : {}), travel: m.travel },
    color: r.color === o.color,
    shape: r.shape.shape === o.shape,
    motion: motionOk,
    direction,
    speed,
  };
}

export function nearestSpeed(travel: number): SpeedName {
  let best: SpeedName = "normal";
  for (const s of Object.keys(TRAVEL) as SpeedName[]) if (Math.abs(travel - TRAVEL[s]) < Math.abs(travel - TRAVEL[best])) best = s;
  return best;
}
