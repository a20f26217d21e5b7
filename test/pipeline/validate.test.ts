import { describe, expect, it } from "vitest";
import { RequestError, type GenerateRequest } from "../../engine/pipeline/types.ts";
import { validateRequest, type Limits } from "../../engine/pipeline/validate.ts";
import type { Clip, RgbFrame } from "../../engine/types.ts";

const limits: Limits = {
  sizes: { "1:1": [64, 64], "16:9": [112, 64], "9:16": [64, 112] },
  defaultFrames: 17, passFrames: 17, maxFrames: 17, defaultSteps: 20, defaultGuidance: 4,
};
const frame = (w = 64, h = 64): RgbFrame => ({ width: w, height: h, data: new Uint8Array(w * h * 3) });
const clip = (n: number, w = 64, h = 64): Clip => ({ width: w, height: h, fps: 8, frames: Array.from({ length: n }, () => frame(w, h)) });
const ok = (req: Partial<GenerateRequest>, l = limits) => validateRequest({ prompt: "a red circle", ...req }, l);
const bad = (req: Partial<GenerateRequest>, msg: RegExp, l = limits) => {
  expect(() => ok(req, l)).toThrow(RequestError);
  expect(() => ok(req, l)).toThrow(msg);
};

describe("request validation", () => {
  it("fills defaults from the pack", () => {
    const j = ok({ seed: 5 });
    expect(j).toMatchObject({ seed: 5, steps: 20, guidance: 4, aspect: "1:1", width: 64, height: 64, expand: true, plan: { kind: "generate", frames: 17 } });
    const r = ok({});
    expect(Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffffffff).toBe(true);
    expect(ok({ aspect: "16:9" })).toMatchObject({ width: 112, height: 64 });
  });

  it("rejects empty and over-long prompts", () => {
    bad({ prompt: "" }, /prompt is empty/);
    bad({ prompt: "   \n" }, /prompt is empty/);
    bad({ prompt: "x".repeat(1001) }, /1001 characters; the limit is 1000/);
    expect(ok({ prompt: "x".repeat(1000) }).prompt.length).toBe(1000);
    bad({ negativePrompt: "y".repeat(1001) }, /negative prompt/);
    bad({ negativePrompt: 7 as unknown as string }, /negativePrompt must be text/);
    bad({ parentPrompt: "z".repeat(1001) }, /parent prompt is 1001 characters/);
    bad({ parentPrompt: {} as unknown as string }, /parentPrompt must be text/);
    expect(ok({ parentPrompt: "  " }).parentPrompt).toBeUndefined();
    expect(() => validateRequest({} as GenerateRequest, limits)).toThrow(/prompt is empty/);
  });

  it("checks frames, steps, guidance, seed and aspect ranges", () => {
    bad({ frames: 0 }, /frames must be a whole number from 1 to 17/);
    bad({ frames: 18 }, /from 1 to 17/);
    bad({ frames: 2.5 }, /frames/);
    expect(ok({ frames: 40 }, { ...limits, maxFrames: 48 }).plan).toEqual({ kind: "generate", frames: 40 });
    bad({ steps: 0 }, /steps must be a whole number from 1 to 100/);
    bad({ steps: 101 }, /steps/);
    bad({ guidance: -0.1 }, /guidance must be a number from 0 to 20/);
    bad({ guidance: 21 }, /guidance/);
    bad({ guidance: Number.NaN }, /guidance/);
    bad({ seed: -1 }, /seed/);
    bad({ seed: 2 ** 32 }, /seed/);
    bad({ aspect: "4:3" as never }, /aspect must be one of 1:1, 16:9, 9:16/);
  });

  it("checks conditioning media sizes and infers the aspect from them", () => {
    expect(ok({ condition: { kind: "animate", image: frame(64, 112) } })).toMatchObject({ aspect: "9:16", plan: { kind: "animate", frames: 17 } });
    bad({ condition: { kind: "animate", image: frame(100, 100) } }, /image is 100×100; it must be one of 64×64 \(1:1\)/);
    bad({ aspect: "16:9", condition: { kind: "animate", image: frame() } }, /aspect 16:9 needs 112×64/);
    bad({ condition: { kind: "animate", image: { width: 64, height: 64, data: new Uint8Array(10) } } }, /holds 10 bytes/);
    bad({ condition: { kind: "animate", image: frame() }, frames: 1 }, /from 2 to 17/);
    bad({ condition: { kind: "interpolate", a: frame(), b: frame(112, 64) } }, /b is 112×64 .* both must be the same size/);
  });

  it("resolves extend, interpolate, loop and remix", () => {
    expect(ok({ condition: { kind: "extend", parent: clip(17), direction: "forward" } }).plan).toMatchObject({ overlap: 4, frames: 13 });
    expect(ok({ condition: { kind: "extend", parent: clip(2), direction: "backward" } }).plan).toMatchObject({ overlap: 2, frames: 15 });
    expect(ok({ condition: { kind: "extend", parent: clip(17), direction: "forward", overlap: 8 }, frames: 5 }).plan).toMatchObject({ overlap: 8, frames: 5 });
    bad({ condition: { kind: "extend", parent: clip(17), direction: "forward", overlap: 17 } }, /overlap must be a whole number from 1 to 16/);
    bad({ condition: { kind: "extend", parent: clip(17), direction: "sideways" as never } }, /direction/);
    bad({ condition: { kind: "extend", parent: clip(0), direction: "forward" } }, /parent clip has no frames/);
    expect(ok({ condition: { kind: "interpolate", a: frame(), b: frame() } }).plan).toMatchObject({ head: 1, tail: 1, frames: 15 });
    expect(ok({ condition: { kind: "interpolate", a: clip(10), b: clip(3) } }).plan).toMatchObject({ head: 4, tail: 3, frames: 10 });
    bad({ condition: { kind: "interpolate", a: clip(10), b: clip(10) }, frames: 10 }, /between a and b.*1 to 9/);
    expect(ok({ condition: { kind: "loop" } }).plan).toMatchObject({ kind: "loop", frames: 17, clip: 9, bridge: 8, context: 4 });
    bad({ condition: { kind: "loop" }, frames: 3 }, /from 4 to 17/);
    expect(ok({ condition: { kind: "remix", parent: clip(9), strength: 0.5 } }).plan).toMatchObject({ kind: "remix", frames: 9, strength: 0.5 });
    bad({ condition: { kind: "remix", parent: clip(9), strength: 0 } }, /strength must be above 0 and at most 1/);
    bad({ condition: { kind: "remix", parent: clip(9), strength: 1.5 } }, /strength/);
    bad({ condition: { kind: "remix", parent: clip(9), strength: 0.5 }, frames: 17 }, /keeps the parent's 9 frames/);
    bad({ condition: { kind: "remix", parent: clip(20), strength: 0.5 } }, /20 frames; the limit is 17/);
    bad({ condition: { kind: "zoom" } as never }, /unknown condition kind "zoom"/);
  });
});
