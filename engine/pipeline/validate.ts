// Request validation: every check that can fail because of what a user typed or uploaded happens here, before any
// model runs, and fails with a RequestError whose message can be shown to that user as is.
import type { AspectRatio, Clip, RgbFrame } from "../types.ts";
import { isBlank } from "../text.ts";
import { ASPECT_RATIOS } from "../types.ts";
import { DEFAULT_OVERLAP, loopLayout } from "./conditioning.ts";
import { randomSeed } from "./rng.ts";
import { RequestError, type GenerateRequest, type PipelineInfo } from "./types.ts";

export const MAX_PROMPT_CHARS = 1000;
export const MAX_STEPS = 100;
export const MAX_GUIDANCE = 20;
export const MAX_SEED = 0xffffffff;

/** The limits and defaults validation needs from the loaded pack. */
export type Limits = Pick<PipelineInfo,
  "sizes" | "defaultFrames" | "passFrames" | "maxFrames" | "defaultSteps" | "defaultGuidance">;

export type JobPlan =
  | { kind: "generate"; frames: number }
  /** `frames` counts the image, which is output frame 0. */
  | { kind: "animate"; image: RgbFrame; frames: number }
  | { kind: "extend"; parent: Clip; direction: "forward" | "backward"; overlap: number; frames: number }
  | { kind: "interpolate"; a: RgbFrame[]; b: RgbFrame[]; head: number; tail: number; frames: number }
  | { kind: "loop"; frames: number; clip: number; bridge: number; context: number }
  | { kind: "remix"; parent: Clip; strength: number; frames: number };

export interface Job {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  /** Denoise steps between progress previews; 0 = none. */
  previewEvery: number;
  guidance: number;
  aspect: AspectRatio;
  width: number;
  height: number;
  expand: boolean;
  /** false: no layout input even where the pack has one. */
  layout: boolean;
  parentPrompt?: string;
  plan: JobPlan;
}

const fail = (msg: string): never => {
  throw new RequestError(msg);
};

function checkInt(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) fail(`${name} must be a whole number from ${lo} to ${hi}, got ${String(v)}`);
  return v as number;
}

function checkFrame(what: string, f: RgbFrame | undefined): RgbFrame {
  if (!f || typeof f !== "object" || !Number.isInteger(f.width) || !Number.isInteger(f.height) || !(f.data instanceof Uint8Array)) {
    return fail(`${what} must be an RGB frame { width, height, data: Uint8Array }`);
  }
  if (f.data.length !== f.width * f.height * 3) fail(`${what} is ${f.width}×${f.height} but holds ${f.data.length} bytes instead of ${f.width * f.height * 3} (RGB24)`);
  return f;
}

function checkClip(what: string, c: Clip | undefined): RgbFrame[] {
  if (!c || !Array.isArray(c.frames)) return fail(`${what} must be a clip { width, height, fps, frames }`);
  if (c.frames.length === 0) fail(`${what} has no frames`);
  c.frames.forEach((f, i) => {
    checkFrame(`${what} frame ${i}`, f);
    if (f.width !== c.width || f.height !== c.height) fail(`${what} frame ${i} is ${f.width}×${f.height}, the clip is ${c.width}×${c.height}`);
  });
  return c.frames;
}

const isClip = (v: Clip | RgbFrame): v is Clip => Array.isArray((v as Clip).frames);

function aspectOf(width: number, height: number, sizes: Limits["sizes"]): AspectRatio | undefined {
  return ASPECT_RATIOS.find((a) => sizes[a][0] === width && sizes[a][1] === height);
}

function sizeList(sizes: Limits["sizes"]): string {
  return ASPECT_RATIOS.map((a) => `${sizes[a][0]}×${sizes[a][1]} (${a})`).join(", ");
}

/** An optional text field, trimmed ("" when absent); its type is checked before it is touched. */
function optionalText(value: unknown, field: string, label: string): string {
  if (value === undefined) return "";
  if (typeof value !== "string") fail(`${field} must be text`);
  const text = (value as string).trim();
  if (text.length > MAX_PROMPT_CHARS) fail(`${label} is ${text.length} characters; the limit is ${MAX_PROMPT_CHARS}`);
  return text;
}

export function validateRequest(req: GenerateRequest, limits: Limits): Job {
  if (!req || typeof req !== "object") fail("request must be an object");
  if (typeof req.prompt !== "string" || isBlank(req.prompt)) fail("prompt is empty");
  const prompt = req.prompt.trim();
  if (prompt.length > MAX_PROMPT_CHARS) fail(`prompt is ${prompt.length} characters; the limit is ${MAX_PROMPT_CHARS}`);
  const negativePrompt = optionalText(req.negativePrompt, "negativePrompt", "negative prompt");

  const seed = req.seed === undefined ? randomSeed() : checkInt("seed", req.seed, 0, MAX_SEED);
  const steps = req.steps === undefined ? limits.defaultSteps : checkInt("steps", req.steps, 1, MAX_STEPS);
  const previewEvery = req.previewEvery === undefined ? 0 : checkInt("previewEvery", req.previewEvery, 0, MAX_STEPS);
  const guidance = req.guidance ?? limits.defaultGuidance;
  if (typeof guidance !== "number" || !Number.isFinite(guidance) || guidance < 0 || guidance > MAX_GUIDANCE) {
    fail(`guidance must be a number from 0 to ${MAX_GUIDANCE}, got ${String(req.guidance)}`);
  }
  if (req.aspect !== undefined && !ASPECT_RATIOS.includes(req.aspect)) fail(`aspect must be one of ${ASPECT_RATIOS.join(", ")}, got ${String(req.aspect)}`);
  if (req.expand !== undefined && typeof req.expand !== "boolean") fail("expand must be true or false");
  if (req.layout !== undefined && typeof req.layout !== "boolean") fail("layout must be true or false");
  const parentPrompt = optionalText(req.parentPrompt, "parentPrompt", "parent prompt") || undefined;

  // The conditioning media fix the size; the aspect, when given too, must agree with it.
  const media: Array<[string, RgbFrame]> = [];
  const c = req.condition;
  let plan: JobPlan;
  const framesArg = (what: string, dflt: number, lo: number, hi: number): number =>
    req.frames === undefined ? dflt : checkInt(what, req.frames, lo, hi);
  const cap = limits.maxFrames;
  const pass = limits.passFrames;

  if (c === undefined) {
    plan = { kind: "generate", frames: framesArg("frames", limits.defaultFrames, 1, cap) };
  } else if (c.kind === "animate") {
    const image = checkFrame("image", c.image);
    media.push(["image", image]);
    plan = { kind: "animate", image, frames: framesArg("frames", limits.defaultFrames, 2, cap) };
  } else if (c.kind === "extend") {
    if (c.direction !== "forward" && c.direction !== "backward") fail(`extend direction must be "forward" or "backward", got ${String(c.direction)}`);
    const frames = checkClip("parent clip", c.parent);
    media.push(["parent clip", frames[0]]);
    const maxOverlap = Math.min(frames.length, pass - 1);
    const overlap = c.overlap === undefined ? Math.min(DEFAULT_OVERLAP, maxOverlap) : checkInt("overlap", c.overlap, 1, maxOverlap);
    plan = { kind: "extend", parent: c.parent, direction: c.direction, overlap, frames: framesArg("frames", pass - overlap, 1, cap) };
  } else if (c.kind === "interpolate") {
    if (!c.a || !c.b) fail("interpolate needs both a and b");
    const a = isClip(c.a) ? checkClip("clip a", c.a) : [checkFrame("frame a", c.a)];
    const b = isClip(c.b) ? checkClip("clip b", c.b) : [checkFrame("frame b", c.b)];
    media.push(["a", a[0]], ["b", b[0]]);
    const head = Math.min(DEFAULT_OVERLAP, a.length);
    const tail = Math.min(DEFAULT_OVERLAP, b.length);
    const room = pass - head - tail;
    if (room < 1) fail(`a ${pass}-frame pass has no room between ${head} + ${tail} context frames`);
    plan = { kind: "interpolate", a, b, head, tail, frames: framesArg("frames (between a and b)", room, 1, Math.min(room, cap)) };
  } else if (c.kind === "loop") {
    const frames = framesArg("frames", limits.defaultFrames, 4, cap);
    plan = { kind: "loop", frames, ...loopLayout(frames, pass) };
  } else if (c.kind === "remix") {
    const frames = checkClip("parent clip", c.parent);
    media.push(["parent clip", frames[0]]);
    if (typeof c.strength !== "number" || !(c.strength > 0 && c.strength <= 1)) {
      fail(`remix strength must be above 0 and at most 1 (1 = a fresh sample), got ${String(c.strength)}`);
    }
    if (frames.length > cap) fail(`parent clip has ${frames.length} frames; the limit is ${cap}`);
    if (req.frames !== undefined && req.frames !== frames.length) fail(`a remix keeps the parent's ${frames.length} frames; frames was ${String(req.frames)}`);
    plan = { kind: "remix", parent: c.parent, strength: c.strength, frames: frames.length };
  } else {
    return fail(`unknown condition kind ${JSON.stringify((c as { kind?: unknown }).kind)}`);
  }

  let aspect: AspectRatio = req.aspect ?? "1:1";
  if (media.length > 0) {
    const [what, f] = media[0];
    const found = aspectOf(f.width, f.height, limits.sizes);
    if (!found) fail(`${what} is ${f.width}×${f.height}; it must be one of ${sizeList(limits.sizes)} (resize it first)`);
    if (req.aspect !== undefined && req.aspect !== found) {
      const [w, h] = limits.sizes[req.aspect];
      fail(`${what} is ${f.width}×${f.height} but aspect ${req.aspect} needs ${w}×${h} (resize it first)`);
    }
    aspect = found!;
    for (const [w2, f2] of media.slice(1)) {
      if (f2.width !== f.width || f2.height !== f.height) fail(`${w2} is ${f2.width}×${f2.height} but ${what} is ${f.width}×${f.height}; both must be the same size`);
    }
  }
  const [width, height] = limits.sizes[aspect];
  return { prompt, negativePrompt, seed, steps, guidance, aspect, width, height, expand: req.expand ?? true, layout: req.layout ?? true, parentPrompt, previewEvery, plan };
}
