// Reads a free-text prompt back into scene attributes through the lexicon's synonym map, for prompt expansion:
// "two blue squares moving right at sunset" → two { color: blue, shape: square, motion: right } and a sunset sky.

import type { Background, DiagonalName, MotionName, SceneObject } from "./types.ts";
import { BACKGROUND_CUES, KNOWN_WORDS, WORD_MEANINGS, type Direction } from "./lexicon.ts";
import { captionWords } from "./words.ts";

export interface ParsedPrompt {
  objects: Partial<SceneObject>[];
  background?: Background;
  /** Words the grammar has never used: the model has no meaning for them. */
  unknownWords: string[];
  knownWords: string[];
}

const JOIN_WORDS = new Set(["and", "while", "with", "then", "plus"]);
const TOWARD_WORDS = new Set(["to", "toward", "towards", "into"]);
const PLACE_DIRECTIONS: ReadonlyMap<string, Direction> = new Map([
  ["top", "up"], ["bottom", "down"], ["left", "left"], ["right", "right"],
]);
const CENTER_WORDS = new Set(["center", "centre", "middle"]);
/** Motions that stay where they start: a place in the prompt ("on the left side") is where they are drawn. */
const STAYING_MOTIONS: ReadonlySet<MotionName | undefined> = new Set(["still", "spin", "grow", "shrink", undefined]);
/**
 * Where a place word puts an object's centre: inside the range still objects start in (0.3–0.7), on the side of
 * the 0.4 / 0.6 lines that the captions' place phrases (lexicon.ts placePhrase) are drawn at.
 */
const PLACE_COORD: Record<Direction, number> = { left: 0.35, right: 0.65, up: 0.35, down: 0.65 };

/** Marks tokens that belong to a background phrase, longest cue first, and returns the background they name. */
function findBackground(tokens: string[], used: boolean[]): Background | undefined {
  const cues = [...BACKGROUND_CUES].sort((a, b) => b[0].length - a[0].length);
  let found: Background | undefined;
  for (const [words, bg] of cues) {
    for (let i = 0; i + words.length <= tokens.length; i++) {
      if (words.every((w, k) => tokens[i + k] === w && !used[i + k])) {
        for (let k = 0; k < words.length; k++) used[i + k] = true;
        found ??= bg;
      }
    }
  }
  return found;
}

/** Whether tokens [from, to) outside background phrases name an object (a shape or a colour). */
function hasObjectWord(tokens: string[], used: boolean[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (used[i]) continue;
    const m = WORD_MEANINGS.get(tokens[i]);
    if (m && (m.kind === "shape" || m.kind === "color")) return true;
  }
  return false;
}

/** Splits at "and"/"while" only where a new object starts ("bounces up and down" stays one segment). */
function segments(tokens: string[], used: boolean[]): number[][] {
  const free = tokens.map((_, i) => i).filter((i) => !used[i]);
  const out: number[][] = [[]];
  for (let k = 0; k < free.length; k++) {
    const i = free[k];
    const current = out[out.length - 1];
    if (JOIN_WORDS.has(tokens[i]) && hasObjectWord(tokens, used, i + 1, tokens.length) &&
      current.some((j) => WORD_MEANINGS.get(tokens[j])?.kind === "shape")) {
      const nextJoin = free.slice(k + 1).find((j) => JOIN_WORDS.has(tokens[j])) ?? tokens.length;
      if (hasObjectWord(tokens, used, i + 1, nextJoin)) {
        out.push([]);
        continue;
      }
    }
    current.push(i);
  }
  return out.filter((s) => s.length > 0);
}

function diagonalOf(vertical: Direction, horizontal: Direction): DiagonalName {
  return `${vertical}-${horizontal}` as DiagonalName;
}

/** One object's attributes (and how many of it) from the token indices of its segment. */
function readSegment(tokens: string[], idx: number[]): { object: Partial<SceneObject>; count: number } | null {
  const object: Partial<SceneObject> = {};
  let count = 0, plural = false, travel = false, diagonalWord = false;
  let explicit: MotionName | undefined;
  const directions: Direction[] = [];
  const origins: Direction[] = [];
  const places: Direction[] = [];
  let centred = false;
  const word = (k: number) => (k >= 0 && k < idx.length ? tokens[idx[k]] : "");
  for (let k = 0; k < idx.length; k++) {
    const w = word(k);
    const next = word(k + 1);
    // "circles (slowly) around the centre", or "circles" after the object's noun, is orbiting, not a plural circle.
    const adverbThenAround = WORD_MEANINGS.get(next)?.kind === "speed" && word(k + 2) === "around";
    if ((w === "circles" || w === "circle" || w === "circling") &&
      (next === "around" || adverbThenAround || (w === "circles" && object.shape !== undefined))) {
      explicit ??= "orbit";
      continue;
    }
    if (w === "up" && next === "and" && word(k + 2) === "down") { explicit ??= "bounce"; k += 2; continue; }
    if (w === "not" && (next === "move" || next === "moving")) { explicit = "still"; k += 1; continue; }
    if (w === "in" && next === "a" && word(k + 2) === "circle") { explicit ??= "orbit"; k += 2; continue; }
    const d = PLACE_DIRECTIONS.get(w);
    if (d) {
      // The word that governs "the top right": skip back over "the" and the other corner word.
      let back = k - 1;
      while (back >= 0 && (word(back) === "the" || PLACE_DIRECTIONS.has(word(back)))) back--;
      const lead = word(back);
      if (lead === "from") { origins.push(d); continue; }
      if (TOWARD_WORDS.has(lead)) { directions.push(d); continue; }
      // "on the left side", "in the top right": a place, not a direction; "top"/"bottom" alone are places too.
      if (back < k - 1 || w === "top" || w === "bottom") { places.push(d); continue; }
    }
    // "in the center (of the frame)", not "around the middle" (an orbit's centre).
    if (CENTER_WORDS.has(w) && word(k - 1) === "the" && word(k - 2) !== "around") { centred = true; continue; }
    const m = WORD_MEANINGS.get(w);
    if (!m) continue;
    switch (m.kind) {
      case "color": object.color ??= m.value; break;
      case "shape": object.shape ??= m.value; plural ||= m.plural; break;
      case "size": object.size ??= m.value; break;
      case "speed": object.speed ??= m.value; break;
      case "count": if (!count) count = m.value; break;
      case "direction": directions.push(m.value); break;
      case "travel": travel = true; break;
      case "motion":
        if (m.value === "diagonal") diagonalWord = true;
        else if (m.value === "up" || m.value === "down") directions.push(m.value);
        else explicit ??= m.value;
        break;
    }
  }
  const vertical = directions.find((d) => d === "up" || d === "down");
  const horizontal = directions.find((d) => d === "left" || d === "right");
  if (explicit) {
    object.motion = explicit;
  } else if (vertical && horizontal) {
    object.motion = "diagonal";
    object.diagonal = diagonalOf(vertical, horizontal);
  } else if (diagonalWord) {
    object.motion = "diagonal";
    const v = vertical ?? (origins.includes("down") ? "up" : origins.includes("up") ? "down" : "up");
    const h = horizontal ?? (origins.includes("left") ? "right" : origins.includes("right") ? "left" : "right");
    object.diagonal = diagonalOf(v, h);
  } else if (vertical || horizontal) {
    object.motion = (vertical ?? horizontal)!;
  } else if (origins.length > 0) {
    // "from the left" alone: it goes the other way.
    const opposite: Record<Direction, Direction> = { left: "right", right: "left", up: "down", down: "up" };
    object.motion = opposite[origins[0]];
  } else if (travel) {
    object.motion = "right";
  }
  if ((places.length > 0 || centred) && STAYING_MOTIONS.has(object.motion)) object.start = placeOf(places);
  if (Object.keys(object).length === 0) return null;
  return { object, count: Math.min(3, count > 1 ? count : plural ? 2 : 1) };
}

/** The centre named by place words: "top" and "left" → upper left; none (only "the center") → the middle. */
function placeOf(places: Direction[]): [number, number] {
  const h = places.find((d) => d === "left" || d === "right");
  const v = places.find((d) => d === "up" || d === "down");
  return [h ? PLACE_COORD[h] : 0.5, v ? PLACE_COORD[v] : 0.5];
}

export function parsePrompt(text: string): ParsedPrompt {
  const tokens = captionWords(text);
  const used = tokens.map(() => false);
  const background = findBackground(tokens, used);
  const objects: Partial<SceneObject>[] = [];
  for (const seg of segments(tokens, used)) {
    const read = readSegment(tokens, seg);
    if (!read) continue;
    for (let n = 0; n < read.count && objects.length < 3; n++) objects.push({ ...read.object });
  }
  const unique = (ws: string[]) => [...new Set(ws)];
  return {
    objects,
    ...(background ? { background } : {}),
    unknownWords: unique(tokens.filter((w) => !KNOWN_WORDS.has(w))),
    knownWords: unique(tokens.filter((w) => KNOWN_WORDS.has(w))),
  };
}
