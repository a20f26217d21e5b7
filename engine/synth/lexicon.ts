// Every word the caption grammar may say and what it means: the single source of truth for captions.ts
// (which draws phrasings from these lists) and parse.ts (which reads prompts back through WORD_MEANINGS).

import type {
  Background, ColorName, DiagonalName, FloorLook, MotionName, ShapeName, SizeName, SkyLook, SolidColor, SpeedName,
} from "./types.ts";
import { COLORS, SHAPES, SIZES, SPEEDS } from "./types.ts";

export const COLOR_WORDS: Record<ColorName, readonly string[]> = {
  red: ["red"], orange: ["orange"], yellow: ["yellow"], green: ["green"], cyan: ["cyan", "turquoise"],
  blue: ["blue"], purple: ["purple", "violet"], pink: ["pink"], white: ["white"], black: ["black"], brown: ["brown"],
};

export const SHAPE_NOUNS: Record<ShapeName, readonly string[]> = {
  circle: ["ball", "circle", "disc"],
  square: ["square", "box", "block"],
  triangle: ["triangle"],
  star: ["star"],
  heart: ["heart"],
  ring: ["ring", "donut", "hoop"],
};

export function plural(noun: string): string {
  return /(s|x|sh|ch)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** Size adjectives; "" means the size is left unsaid in that phrasing. */
export const SIZE_WORDS: Record<SizeName, readonly string[]> = {
  small: ["small", "little", "tiny"],
  medium: ["medium", "medium sized"],
  large: ["large", "big"],
};

export const SPEED_ADVERBS: Record<SpeedName, readonly string[]> = {
  slow: ["slowly", "gently"],
  normal: ["steadily"],
  fast: ["quickly", "fast", "rapidly"],
};

/** One way to say a motion: third-person verb, participle, and what follows them (direction, "in place"...). */
export interface MotionPhrase {
  verb: string;
  participle: string;
  complement: string;
}

const TRAVEL_VERBS: readonly (readonly [string, string])[] = [
  ["moves", "moving"], ["slides", "sliding"], ["glides", "gliding"], ["drifts", "drifting"], ["travels", "traveling"],
];

function travel(complements: readonly string[], extra: readonly (readonly [string, string])[] = []): MotionPhrase[] {
  const out: MotionPhrase[] = [];
  for (const [verb, participle] of TRAVEL_VERBS) {
    for (const complement of complements) out.push({ verb, participle, complement });
  }
  for (const [verb, participle] of extra) out.push({ verb, participle, complement: "" });
  return out;
}

function fixed(pairs: readonly (readonly [string, string, string?])[]): MotionPhrase[] {
  return pairs.map(([verb, participle, complement]) => ({ verb, participle, complement: complement ?? "" }));
}

export const DIAGONAL_WORDS: Record<DiagonalName, { vertical: string; horizontal: string; corner: string; from: string }> = {
  "up-left": { vertical: "up", horizontal: "left", corner: "top left", from: "bottom right" },
  "up-right": { vertical: "up", horizontal: "right", corner: "top right", from: "bottom left" },
  "down-left": { vertical: "down", horizontal: "left", corner: "bottom left", from: "top right" },
  "down-right": { vertical: "down", horizontal: "right", corner: "bottom right", from: "top left" },
};

export function diagonalPhrases(d: DiagonalName): MotionPhrase[] {
  const w = DIAGONAL_WORDS[d];
  return travel([
    `diagonally ${w.vertical} and to the ${w.horizontal}`,
    `diagonally ${w.vertical} and ${w.horizontal}`,
    `toward the ${w.corner} corner`,
  ]);
}

export const MOTION_PHRASES: Record<Exclude<MotionName, "diagonal">, readonly MotionPhrase[]> = {
  left: travel(["left", "to the left", "leftward"]),
  right: travel(["right", "to the right", "rightward"]),
  up: travel(["up", "upward"], [["rises", "rising"], ["floats up", "floating up"]]),
  down: travel(["down", "downward"], [["falls", "falling"], ["sinks", "sinking"], ["drops", "dropping"]]),
  bounce: fixed([["bounces", "bouncing"], ["hops", "hopping"], ["bounces", "bouncing", "up and down"]]),
  spin: fixed([["spins", "spinning"], ["rotates", "rotating"], ["twirls", "twirling"], ["spins", "spinning", "in place"]]),
  grow: fixed([["grows", "growing"], ["gets bigger", "getting bigger"], ["expands", "expanding"], ["grows larger", "growing larger"]]),
  shrink: fixed([["shrinks", "shrinking"], ["gets smaller", "getting smaller"], ["shrinks down", "shrinking down"]]),
  orbit: fixed([
    ["orbits", "orbiting", "the center"], ["circles", "circling", "around the center"],
    ["moves", "moving", "in a circle"], ["orbits", "orbiting", "around the middle"],
  ]),
  still: fixed([["stays still", "staying still"], ["sits still", "sitting still"], ["does not move", "not moving"],
    ["stays in place", "staying in place"]]),
};

/** Long-caption path of a straight translation, in place of the short direction complement. */
export const TRAJECTORIES: Record<"left" | "right" | "up" | "down", readonly string[]> = {
  left: ["from the right side of the frame to the left", "from right to left", "across the frame from right to left"],
  right: ["from the left side of the frame to the right", "from left to right", "across the frame from left to right"],
  up: ["from the bottom of the frame toward the top", "from bottom to top"],
  down: ["from the top of the frame toward the bottom", "from top to bottom"],
};

export function diagonalTrajectories(d: DiagonalName): string[] {
  const w = DIAGONAL_WORDS[d];
  return [`diagonally from the ${w.from} corner toward the ${w.corner}`, `from the ${w.from} toward the ${w.corner} corner`];
}

/** Where a non-travelling object sits, for long captions. */
export function placePhrase(x: number, y: number): string {
  const h = x < 0.4 ? "left" : x > 0.6 ? "right" : "";
  const v = y < 0.4 ? "top" : y > 0.6 ? "bottom" : "";
  if (!h && !v) return "in the center of the frame";
  if (!v) return `on the ${h} side of the frame`;
  if (!h) return `near the ${v} of the frame`;
  return `in the ${v} ${h} of the frame`;
}

export const SOLID_PHRASES = (c: SolidColor): string[] => [
  `on a plain ${c} background`, `against a ${c} background`, `on a ${c} background`, `over a solid ${c} background`,
];
export const SKY_PHRASES: Record<SkyLook, readonly string[]> = {
  day: ["in a blue sky", "against a clear blue sky", "in the daytime sky", "under a bright blue sky"],
  sunset: ["at sunset", "against a sunset sky", "in an orange sunset sky", "under a sunset sky"],
  night: ["under a night sky", "at night", "against a dark starry sky", "in the night sky"],
};
export const FLOOR_PHRASES: Record<FloorLook, readonly string[]> = {
  grass: ["on green grass", "on a grassy field", "over a grass field"],
  sand: ["on sand", "on a sandy beach", "on the sandy ground"],
  stone: ["on a stone floor", "on gray stone", "on stone ground"],
};
/** Long captions put a solid background this way: "... across a plain black background." */
export const SOLID_LONG_PHRASES = (c: SolidColor): string[] => [`across a plain ${c} background`, `on a plain ${c} background`];

export function backgroundPhrases(bg: Background): readonly string[] {
  switch (bg.kind) {
    case "solid": return SOLID_PHRASES(bg.color);
    case "sky": return SKY_PHRASES[bg.look];
    case "floor": return FLOOR_PHRASES[bg.look];
  }
}

/** Object joiners in multi-object captions. */
export const JOINERS = ["and", "while"] as const;

/** Words the templates themselves use (articles, prepositions, framing): known to the parser, meaning nothing. */
export const GRAMMAR_WORDS: readonly string[] = [
  "a", "an", "the", "that", "video", "shows", "of", "in", "on", "at", "to", "and", "while", "from", "toward", "across",
  "side", "frame", "corner", "plain", "solid", "background", "against", "over", "under", "clear", "bright", "dark",
  "daytime", "sky", "field", "ground", "floor", "beach", "there", "is", "are", "with", "it", "its", "one", "two",
  "three", "some", "another", "other", "we", "see", "clip", "scene", "animation", "middle", "center", "centre",
  "around", "place", "diagonally", "near", "and", "up", "down", "top", "bottom", "as", "then", "also", "both", "each",
];

// ---------------------------------------------------------------------------------------------------------------
// Reading words back: synonym → attribute. Built from the lists above so that captions and the parser never drift.

export type Direction = "left" | "right" | "up" | "down";
export type Meaning =
  | { kind: "color"; value: ColorName }
  | { kind: "shape"; value: ShapeName; plural: boolean }
  | { kind: "size"; value: SizeName }
  | { kind: "speed"; value: SpeedName }
  | { kind: "motion"; value: MotionName }
  | { kind: "direction"; value: Direction }
  | { kind: "travel" } // a verb of moving whose direction comes from a nearby word
  | { kind: "count"; value: number };

/** Background cue words; multi-word phrases are matched first by the parser (see BACKGROUND_CUES). */
export const BACKGROUND_CUES: readonly (readonly [string[], Background])[] = [
  ...(["black", "white", "gray", "grey", "navy", "beige"] as const).flatMap((c): [string[], Background][] => {
    const color: SolidColor = c === "grey" ? "gray" : c;
    return [
      [[c, "background"], { kind: "solid", color }],
      [["plain", c], { kind: "solid", color }],
      [["solid", c], { kind: "solid", color }],
    ];
  }),
  [["dark", "background"], { kind: "solid", color: "black" }],
  // No plain blue exists in the renderer: navy is the nearest thing the model has seen, and far closer than black.
  [["blue", "background"], { kind: "solid", color: "navy" }],
  [["light", "background"], { kind: "solid", color: "white" }],
  [["blue", "sky"], { kind: "sky", look: "day" }],
  [["daytime", "sky"], { kind: "sky", look: "day" }],
  [["day", "sky"], { kind: "sky", look: "day" }],
  [["orange", "sunset", "sky"], { kind: "sky", look: "sunset" }],
  [["sunset", "sky"], { kind: "sky", look: "sunset" }],
  [["sunset"], { kind: "sky", look: "sunset" }],
  [["dusk"], { kind: "sky", look: "sunset" }],
  [["dark", "starry", "sky"], { kind: "sky", look: "night" }],
  [["starry", "sky"], { kind: "sky", look: "night" }],
  [["night", "sky"], { kind: "sky", look: "night" }],
  [["night"], { kind: "sky", look: "night" }],
  [["starry"], { kind: "sky", look: "night" }],
  [["sky"], { kind: "sky", look: "day" }],
  [["green", "grass"], { kind: "floor", look: "grass" }],
  [["grass"], { kind: "floor", look: "grass" }],
  [["grassy"], { kind: "floor", look: "grass" }],
  [["lawn"], { kind: "floor", look: "grass" }],
  [["sandy"], { kind: "floor", look: "sand" }],
  [["sand"], { kind: "floor", look: "sand" }],
  [["beach"], { kind: "floor", look: "sand" }],
  [["desert"], { kind: "floor", look: "sand" }],
  [["gray", "stone"], { kind: "floor", look: "stone" }],
  [["stone"], { kind: "floor", look: "stone" }],
  [["pavement"], { kind: "floor", look: "stone" }],
];

function buildMeanings(): Map<string, Meaning> {
  const m = new Map<string, Meaning>();
  const set = (w: string, meaning: Meaning) => {
    if (!m.has(w)) m.set(w, meaning);
  };
  for (const c of COLORS) for (const w of COLOR_WORDS[c]) set(w, { kind: "color", value: c });
  for (const s of SHAPES) {
    for (const w of SHAPE_NOUNS[s]) {
      set(w, { kind: "shape", value: s, plural: false });
      set(plural(w), { kind: "shape", value: s, plural: true });
    }
  }
  for (const [w, s] of [["dot", "circle"], ["sphere", "circle"], ["orb", "circle"], ["cube", "square"],
    ["rectangle", "square"], ["pyramid", "triangle"], ["doughnut", "ring"], ["donuts", "ring"]] as const) {
    set(w, { kind: "shape", value: s, plural: false });
  }
  for (const s of SIZES) for (const w of SIZE_WORDS[s]) for (const part of w.split(" ")) {
    if (part !== "sized") set(part, { kind: "size", value: s });
  }
  for (const w of ["huge", "giant"]) set(w, { kind: "size", value: "large" });
  for (const s of SPEEDS) for (const w of SPEED_ADVERBS[s]) set(w, { kind: "speed", value: s });
  for (const w of ["slow", "slower"]) set(w, { kind: "speed", value: "slow" });
  for (const w of ["quick", "rapid", "speedy", "swiftly"]) set(w, { kind: "speed", value: "fast" });
  for (const [w, d] of [["left", "left"], ["leftward", "left"], ["leftwards", "left"], ["right", "right"],
    ["rightward", "right"], ["rightwards", "right"], ["up", "up"], ["upward", "up"], ["upwards", "up"],
    ["down", "down"], ["downward", "down"], ["downwards", "down"]] as const) {
    set(w, { kind: "direction", value: d });
  }
  for (const [verb, participle] of TRAVEL_VERBS) {
    set(verb, { kind: "travel" });
    set(participle, { kind: "travel" });
    set(verb.replace(/s$/, ""), { kind: "travel" });
  }
  for (const w of ["move", "go", "goes", "going", "fly", "flies", "flying", "roll", "rolls", "rolling", "run", "runs",
    "running", "travelling"]) set(w, { kind: "travel" });
  const motionWords: [MotionName, string[]][] = [
    ["up", ["rises", "rising", "rise", "floats", "floating", "float", "climbs", "climbing", "ascends", "ascending"]],
    ["down", ["falls", "falling", "fall", "sinks", "sinking", "sink", "drops", "dropping", "drop", "descends", "descending"]],
    ["diagonal", ["diagonally", "diagonal"]],
    ["bounce", ["bounces", "bouncing", "bounce", "hops", "hopping", "hop", "jumps", "jumping", "jump", "bouncy"]],
    ["spin", ["spins", "spinning", "spin", "rotates", "rotating", "rotate", "twirls", "twirling", "twirl", "turning"]],
    ["grow", ["grows", "growing", "grow", "expands", "expanding", "expand", "bigger", "larger", "enlarges", "swells"]],
    ["shrink", ["shrinks", "shrinking", "shrink", "smaller", "contracts", "contracting"]],
    ["orbit", ["orbits", "orbiting", "orbit", "circling"]],
    ["still", ["still", "stationary", "static", "motionless", "sits", "sitting", "stays", "staying", "rests", "resting"]],
  ];
  for (const [motion, words] of motionWords) for (const w of words) set(w, { kind: "motion", value: motion });
  for (const [w, n] of [["one", 1], ["two", 2], ["three", 3], ["a", 1], ["an", 1]] as const) {
    set(w, { kind: "count", value: n });
  }
  return m;
}

export const WORD_MEANINGS: ReadonlyMap<string, Meaning> = buildMeanings();

/** Every word the grammar uses or the parser understands: anything else in a prompt is an unknown word. */
export const KNOWN_WORDS: ReadonlySet<string> = new Set<string>([
  ...WORD_MEANINGS.keys(),
  ...GRAMMAR_WORDS,
  ...BACKGROUND_CUES.flatMap(([words]) => words),
  ...Object.values(MOTION_PHRASES).flatMap((ps) => ps.flatMap((p) => `${p.verb} ${p.participle} ${p.complement}`.split(" "))),
  ...Object.values(TRAJECTORIES).flatMap((ts) => ts.flatMap((t) => t.split(" "))),
  ...Object.values(SKY_PHRASES).flatMap((ps) => ps.flatMap((p) => p.split(" "))),
  ...Object.values(FLOOR_PHRASES).flatMap((ps) => ps.flatMap((p) => p.split(" "))),
  "sized", "does", "not", "gets", "getting", "twice", "size", "corners", "light", "day", "lower", "upper", "part",
].filter((w) => w.length > 0));
