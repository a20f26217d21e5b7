// Caption grammar: several phrasings of one scene at three levels of detail, drawn from lexicon.ts.
// Some templates are held out: they phrase scenes in orders the training split never shows, for the evaluation.

import type { Background, Scene, SceneObject } from "./types.ts";
import { Rng } from "./rng.ts";
import {
  COLOR_WORDS, JOINERS, MOTION_PHRASES, SHAPE_NOUNS, SIZE_WORDS, SOLID_LONG_PHRASES, SPEED_ADVERBS, TRAJECTORIES,
  backgroundPhrases, diagonalPhrases, diagonalTrajectories, placePhrase, type MotionPhrase,
} from "./lexicon.ts";
import { MAX_CAPTION_WORDS, captionWords } from "./words.ts";
import { TRANSLATIONS } from "./motion.ts";

export type DetailLevel = "short" | "medium" | "long";

export interface CaptionTemplate {
  id: string;
  level: DetailLevel;
  heldOut: boolean;
  render(scene: Scene, rng: Rng): string;
}

function withArticle(phrase: string): string {
  return `${/^[aeiou]/.test(phrase) ? "an" : "a"} ${phrase}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function join(parts: string[], words: string[]): string {
  return parts.reduce((acc, p, i) => (i === 0 ? p : `${acc} ${words[i - 1]} ${p}`), "");
}

/** "a small red ball"; the size is said only when asked (short captions leave it out). */
export function nounPhrase(o: SceneObject, rng: Rng, withSize: boolean): string {
  const noun = rng.pick(SHAPE_NOUNS[o.shape]);
  const color = rng.pick(COLOR_WORDS[o.color]);
  const size = withSize && (o.size !== "medium" || rng.chance(0.35)) ? `${rng.pick(SIZE_WORDS[o.size])} ` : "";
  return withArticle(`${size}${color} ${noun}`);
}

function motionPhrase(o: SceneObject, rng: Rng): MotionPhrase {
  return o.motion === "diagonal" ? rng.pick(diagonalPhrases(o.diagonal ?? "up-right")) : rng.pick(MOTION_PHRASES[o.motion]);
}

/** Speed adverb, or "" when the level or the motion leaves speed unsaid. */
function adverb(o: SceneObject, rng: Rng, level: DetailLevel): string {
  if (o.motion === "still") return "";
  if (o.speed === "normal") return level !== "short" && rng.chance(0.3) ? rng.pick(SPEED_ADVERBS.normal) : "";
  if (level === "short" && rng.chance(0.5)) return "";
  return rng.pick(SPEED_ADVERBS[o.speed]);
}

/** Where a long caption says the motion happens: the whole path of a translation, or where the object is. */
function longPlace(o: SceneObject, bg: Background, rng: Rng, phrase: MotionPhrase): string {
  switch (o.motion) {
    case "left": case "right": case "up": case "down":
      return rng.pick(TRAJECTORIES[o.motion]);
    case "diagonal":
      return rng.pick(diagonalTrajectories(o.diagonal ?? "up-right"));
    case "bounce":
      return bg.kind === "floor" ? "on the ground" : "near the bottom of the frame";
    case "orbit": {
      // "orbits slowly around the center of the frame", "moves slowly in a circle around the center of the frame".
      const c = phrase.complement;
      if (c === "the center") return "around the center of the frame";
      return /center|middle/.test(c) ? `${c} of the frame` : `${c} around the center of the frame`;
    }
    default:
      return placePhrase(o.start[0], o.start[1]);
  }
}

/**
 * "slides slowly to the left" / "sliding slowly to the left" / "glides slowly from the right side ... to the left",
 * "spins quickly in place in the center of the frame", "orbits slowly around the middle of the frame".
 */
export function motionClause(o: SceneObject, bg: Background, rng: Rng, form: "verb" | "participle", level: DetailLevel): string {
  const phrase = motionPhrase(o, rng);
  const adv = adverb(o, rng, level);
  const verb = form === "verb" ? phrase.verb : phrase.participle;
  let words: string[];
  if (TRANSLATIONS.includes(o.motion)) {
    // The adverb sits before the direction; long captions replace the direction with the whole path.
    words = [verb, adv, level === "long" ? longPlace(o, bg, rng, phrase) : phrase.complement];
  } else if (o.motion === "orbit" && level === "long") {
    words = [verb, adv, longPlace(o, bg, rng, phrase)];
  } else {
    // "bounces up and down quickly near the bottom of the frame": adverb after the complement, before the place.
    words = [verb, phrase.complement, adv, level === "long" ? longPlace(o, bg, rng, phrase) : ""];
  }
  return words.filter((w) => w.length > 0).join(" ");
}

function backgroundPhrase(bg: Background, rng: Rng, level: DetailLevel): string {
  if (level === "long" && bg.kind === "solid") return rng.pick(SOLID_LONG_PHRASES(bg.color));
  return rng.pick(backgroundPhrases(bg));
}

/** "while" only joins full clauses; participle phrases ("a red ball moving left") are joined with "and". */
function joiners(scene: Scene, rng: Rng, form: "verb" | "participle"): string[] {
  return scene.objects.slice(1).map(() => (form === "verb" ? rng.pick(JOINERS) : "and"));
}

/** Each object as "<noun phrase> <motion clause>", joined with "and"/"while". */
function objectClauses(scene: Scene, rng: Rng, level: DetailLevel, form: "verb" | "participle", withSize: boolean,
  link = ""): string {
  const parts = scene.objects.map((o) =>
    [nounPhrase(o, rng, withSize), link, motionClause(o, scene.background, rng, form, level)].filter(Boolean).join(" "));
  return join(parts, joiners(scene, rng, form));
}

export const CAPTION_TEMPLATES: readonly CaptionTemplate[] = [
  // Training phrasings.
  { id: "short-participle", level: "short", heldOut: false,
    render: (s, r) => objectClauses(s, r, "short", "participle", false) },
  { id: "short-verb", level: "short", heldOut: false,
    render: (s, r) => objectClauses(s, r, "short", "verb", false) },
  { id: "short-participle-bg", level: "short", heldOut: false,
    render: (s, r) => `${objectClauses(s, r, "short", "participle", false)} ${backgroundPhrase(s.background, r, "short")}` },
  { id: "medium-verb-bg", level: "medium", heldOut: false,
    render: (s, r) => `${objectClauses(s, r, "medium", "verb", true)} ${backgroundPhrase(s.background, r, "medium")}` },
  { id: "medium-participle-bg", level: "medium", heldOut: false,
    render: (s, r) => `${objectClauses(s, r, "medium", "participle", true)} ${backgroundPhrase(s.background, r, "medium")}` },
  { id: "long-sentence", level: "long", heldOut: false,
    render: (s, r) => `${capitalize(objectClauses(s, r, "long", "verb", true))} ${backgroundPhrase(s.background, r, "long")}.` },
  { id: "long-video-shows", level: "long", heldOut: false,
    render: (s, r) => `The video shows ${objectClauses(s, r, "long", "verb", true, "that")}, ${backgroundPhrase(s.background, r, "long")}.` },
  // Held-out phrasings: same words, orders never seen in training (background first, relative clauses in medium).
  { id: "heldout-short-bg-first", level: "short", heldOut: true,
    render: (s, r) => `${backgroundPhrase(s.background, r, "short")}, ${objectClauses(s, r, "short", "verb", false)}` },
  { id: "heldout-medium-bg-first", level: "medium", heldOut: true,
    render: (s, r) => `${backgroundPhrase(s.background, r, "medium")}, ${objectClauses(s, r, "medium", "verb", true)}` },
  { id: "heldout-medium-that", level: "medium", heldOut: true,
    render: (s, r) => `${objectClauses(s, r, "medium", "verb", true, "that")} ${backgroundPhrase(s.background, r, "medium")}` },
  { id: "heldout-long-bg-first", level: "long", heldOut: true,
    render: (s, r) => `${capitalize(backgroundPhrase(s.background, r, "long"))}, ${objectClauses(s, r, "long", "verb", true)}.` },
];

export const TRAINING_TEMPLATES = CAPTION_TEMPLATES.filter((t) => !t.heldOut);
export const HELDOUT_TEMPLATES = CAPTION_TEMPLATES.filter((t) => t.heldOut);

function fits(caption: string): boolean {
  return captionWords(caption).length <= MAX_CAPTION_WORDS;
}

/**
 * Distinct phrasings from `templates`, about `perLevel` per detail level, each within the tokenizer's length.
 * Long captions of crowded scenes can overflow; shorter levels then make up the count.
 */
function phrasings(scene: Scene, rng: Rng, templates: readonly CaptionTemplate[], perLevel: number, minimum: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (level: DetailLevel | null, tries: number, want: number) => {
    const pool = level ? templates.filter((t) => t.level === level) : templates;
    let got = 0;
    // Templates of a level take turns (from a random first one) so each item gets every phrasing style.
    const first = pool.length > 0 ? rng.int(pool.length) : 0;
    for (let k = 0; k < tries && got < want && pool.length > 0; k++) {
      const caption = pool[(first + k) % pool.length].render(scene, rng);
      const key = captionWords(caption).join(" ");
      if (!fits(caption) || seen.has(key)) continue;
      seen.add(key);
      out.push(caption);
      got++;
    }
  };
  for (const level of ["short", "medium", "long"] as const) add(level, 25, perLevel);
  if (out.length < minimum) add("medium", 40, minimum - out.length);
  if (out.length < minimum) add("short", 40, minimum - out.length);
  return out;
}

/** Training captions: at least 6 distinct phrasings (2–3 per detail level) from training templates only. */
export function captionsFor(scene: Scene, rng: Rng): string[] {
  return phrasings(scene, rng, TRAINING_TEMPLATES, 3, 6);
}

/** Held-out captions: phrasings from held-out templates only, for the evaluation split. */
export function heldoutCaptions(scene: Scene, rng: Rng): string[] {
  return phrasings(scene, rng, HELDOUT_TEMPLATES, 2, 3);
}

/** One caption from a given template family and level, for prompt expansion (deterministic given rng). */
export function captionAtLevel(scene: Scene, rng: Rng, level: DetailLevel, heldOut = false): string {
  const pool = CAPTION_TEMPLATES.filter((t) => t.level === level && t.heldOut === heldOut);
  let caption = "";
  for (let k = 0; k < 20; k++) {
    caption = rng.pick(pool).render(scene, rng);
    if (fits(caption)) return caption;
  }
  // Too many objects for this level's length: say less, down to the short form (always kept as is).
  return level === "short" ? caption : captionAtLevel(scene, rng, level === "long" ? "medium" : "short", heldOut);
}
