// Inline flags inside a prompt, as people type them in chat: `a red ball --ar 16:9 --seed 7 --neg "blurry"`.
// Returns the prompt without its flags plus typed options; a bad flag is a UserError (key + params) that the adapter
// renders in the reader's language. Limits come from the queue's limits.ts, so a flag accepted here is never refused
// by the job schema later.
import { PARAM_LIMITS, TEXT_LIMITS } from "../engine/queue/limits.ts";
import { ASPECT_RATIOS, type AspectRatio } from "../engine/types.ts";
import { UserError } from "./errors.ts";

export const MOTIONS = ["slow", "normal", "fast"] as const;
export type Motion = (typeof MOTIONS)[number];

export interface PromptOptions {
  aspect?: AspectRatio;
  seed?: number;
  steps?: number;
  guidance?: number;
  negativePrompt?: string;
  seconds?: number;
  motion?: Motion;
  strength?: number;
  /** The prompt as written, not rewritten into the model's caption style (engine/pipeline/expand.ts). */
  raw?: boolean;
}
export type OptionName = keyof PromptOptions;

type Spec =
  | { option: OptionName; kind: "int" | "number"; min: number; max: number }
  | { option: OptionName; kind: "choice"; choices: readonly string[] }
  | { option: OptionName; kind: "text"; max: number }
  | { option: OptionName; kind: "switch" };

/** Flag spellings → option. The short forms are the ones other image/video bots taught people. */
const FLAGS: Record<string, Spec> = {
  ar: { option: "aspect", kind: "choice", choices: ASPECT_RATIOS },
  aspect: { option: "aspect", kind: "choice", choices: ASPECT_RATIOS },
  seed: { option: "seed", kind: "int", ...PARAM_LIMITS.seed },
  steps: { option: "steps", kind: "int", ...PARAM_LIMITS.steps },
  gs: { option: "guidance", kind: "number", ...PARAM_LIMITS.guidance },
  guidance: { option: "guidance", kind: "number", ...PARAM_LIMITS.guidance },
  neg: { option: "negativePrompt", kind: "text", max: TEXT_LIMITS.negativePrompt },
  no: { option: "negativePrompt", kind: "text", max: TEXT_LIMITS.negativePrompt },
  seconds: { option: "seconds", kind: "number", ...PARAM_LIMITS.seconds },
  motion: { option: "motion", kind: "choice", choices: MOTIONS },
  strength: { option: "strength", kind: "number", ...PARAM_LIMITS.strength },
  /** Use the prompt verbatim: one name (`--raw`) in the CLI, the bots and the playground. */
  raw: { option: "raw", kind: "switch" },
  "no-expand": { option: "raw", kind: "switch" },
};

/** Older spellings still understood, never suggested. */
const OLD_SPELLINGS = new Set(["no-expand"]);

/** What a plain generate accepts; commands pass their own list (remix adds strength). */
export const RENDER_OPTIONS: readonly OptionName[] = ["aspect", "seed", "steps", "guidance", "negativePrompt", "seconds", "motion", "raw"];

const QUOTES: Record<string, string> = { '"': '"', "“": "”", "„": "“", "«": "»", "「": "」", "'": "'" };

/** `--name` or `--name=` at the start of a word; phones turn `--` into an em or en dash, so those count too. */
const FLAG_START = /(^|\s)(?:--|[—–])([A-Za-z][\w-]*)(=|(?=\s|$))/g;

export interface ParsedPrompt {
  prompt: string;
  options: PromptOptions;
}

export function parseInlineFlags(text: string, allowed: readonly OptionName[] = RENDER_OPTIONS): ParsedPrompt {
  const known = Object.keys(FLAGS).filter((f) => allowed.includes(FLAGS[f].option) && !OLD_SPELLINGS.has(f));
  const options: PromptOptions = {};
  const parts: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    FLAG_START.lastIndex = pos;
    const m = FLAG_START.exec(text);
    if (!m) {
      parts.push(text.slice(pos));
      break;
    }
    parts.push(text.slice(pos, m.index + m[1].length));
    const flag = `--${m[2].toLowerCase()}`;
    const spec = FLAGS[m[2].toLowerCase()];
    if (!spec || !allowed.includes(spec.option)) {
      throw new UserError("errors.unknownFlag", { flag, known: known.map((f) => `--${f}`).join(" ") });
    }
    if (options[spec.option] !== undefined) throw new UserError("errors.duplicateFlag", { flag });
    if (spec.kind === "switch") {
      // A switch takes no value: `--raw` alone (`--raw=…` is a mistake, not a value to guess at).
      if (m[3] === "=") throw new UserError("errors.unknownFlag", { flag: `${flag}=`, known: known.map((f) => `--${f}`).join(" ") });
      (options as Record<string, unknown>)[spec.option] = true;
      pos = m.index + m[0].length;
      continue;
    }
    const { raw, end } = readValue(text, m.index + m[0].length, spec.kind === "text", m[3] === "=", flag);
    (options as Record<string, unknown>)[spec.option] = convert(spec, flag, raw);
    pos = end;
  }
  return { prompt: parts.join(" ").replace(/\s+/g, " ").trim(), options };
}

/**
 * One option's value checked exactly as its inline flag would be (`--steps 12`): the same limits and the same
 * UserErrors, named `label` (default the option's name). For settings that arrive outside a prompt, e.g. /defaults.
 */
export function checkOptionValue<K extends OptionName>(option: K, raw: string | number, label: string = option): NonNullable<PromptOptions[K]> {
  const spec = Object.values(FLAGS).find((s) => s.option === option);
  if (!spec) throw new Error(`no flag for option ${option}`);
  return convert(spec, label, String(raw)) as NonNullable<PromptOptions[K]>;
}

/** A flag's value: quoted, or (for text flags) everything up to the next flag, or else one word. */
function readValue(text: string, from: number, isText: boolean, glued: boolean, flag: string): { raw: string; end: number } {
  let i = from;
  if (!glued) while (i < text.length && /\s/.test(text[i])) i++;
  const rest = text.slice(i);
  if (rest === "" || /^\s/.test(rest) || (!glued && /^(?:--|[—–])[A-Za-z]/.test(rest))) throw new UserError("errors.missingValue", { flag });
  const close = QUOTES[text[i]];
  if (close) {
    const j = text.indexOf(close, i + 1);
    if (j < 0) throw new UserError("errors.unclosedQuote");
    return { raw: text.slice(i + 1, j), end: j + 1 };
  }
  if (isText) {
    FLAG_START.lastIndex = i;
    const next = FLAG_START.exec(text);
    const end = next ? next.index : text.length;
    return { raw: text.slice(i, end).trim(), end };
  }
  const m = /^\S+/.exec(rest)!;
  return { raw: m[0], end: i + m[0].length };
}

function convert(spec: Spec, flag: string, raw: string): unknown {
  if (spec.kind === "switch") throw new Error(`${flag} is a switch: it takes no value`);   // parseInlineFlags sets it
  if (spec.kind === "text") {
    const value = raw.trim();
    if (!value) throw new UserError("errors.missingValue", { flag });
    if (value.length > spec.max) throw new UserError("errors.promptTooLong", { length: value.length, max: spec.max });
    return value;
  }
  if (spec.kind === "choice") {
    const value = raw.toLowerCase();
    if (!spec.choices.includes(value)) {
      throw new UserError("errors.badChoice", { flag, choices: spec.choices.join(", "), value: raw });
    }
    return value;
  }
  // "4,5" is how half of Europe writes 4.5.
  const value = /^-?\d+,\d+$/.test(raw) ? Number(raw.replace(",", ".")) : raw.trim() === "" ? NaN : Number(raw);
  const integer = spec.kind === "int";
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < spec.min || value > spec.max) {
    throw new UserError(integer ? "errors.badInteger" : "errors.badNumber", { flag, min: spec.min, max: spec.max, value: raw });
  }
  return value;
}

/** The model learned speed from caption words ("slowly", "quickly"); the job has no motion field, so say it in words. */
const MOTION_WORDS: Record<Motion, string | undefined> = { slow: "slowly", normal: undefined, fast: "quickly" };
const SPEED_WORDS = /\b(slow(ly)?|gently|quick(ly)?|fast|rapid(ly)?|swiftly|speedy)\b/i;

export function applyMotion(prompt: string, motion: Motion | undefined): string {
  const word = motion && MOTION_WORDS[motion];
  if (!word || SPEED_WORDS.test(prompt)) return prompt;
  return prompt ? `${prompt} ${word}` : prompt;
}
