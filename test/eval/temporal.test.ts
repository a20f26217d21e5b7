// Flicker, extension seams and loop closure, checked on rendered clips with known answers.
import { describe, expect, it } from "vitest";
import type { Clip } from "../../engine/types.ts";
import { degradeClip } from "../../engine/eval/degrade.ts";
import { flickerScore, loopRatio, seamRatio } from "../../engine/eval/temporal.ts";
import type { Scene } from "../../engine/eval/synth-bridge.ts";
import { renderClip } from "./helpers.ts";

const scene = (motion: "right" | "orbit" | "still", speed: "normal" | "fast" = "normal"): Scene => ({
  background: { kind: "sky", look: "day" },
  objects: [{ color: "red", shape: "star", size: "medium", motion, speed, start: motion === "right" ? [0.25, 0.5] : [0.75, 0.5] }],
  seed: 3,
});

const concat = (a: Clip, b: Clip): Clip => ({ ...a, frames: [...a.frames, ...b.frames] });

describe("flicker", () => {
  it("is ~1 for a rendered clip, moving object included", () => {
    expect(flickerScore(renderClip(scene("right"))).score).toBeGreaterThanOrEqual(0.99);
    expect(flickerScore(renderClip(scene("orbit", "fast"), "16:9")).score).toBeGreaterThanOrEqual(0.99);
  });

  it("drops clearly below the target under per-frame brightness jitter", () => {
    const clip = renderClip(scene("right"));
    const jittered = flickerScore(degradeClip(clip, { jitter: 12, seed: 1 })).score;
    expect(jittered).toBeLessThan(0.85);
    // More jitter, more flicker.
    expect(flickerScore(degradeClip(clip, { jitter: 30, seed: 1 })).score).toBeLessThan(jittered);
  });
});

describe("seam ratio", () => {
  it("is ~1 inside a continuous clip", () => {
    const clip = renderClip(scene("right"));
    expect(seamRatio(clip.frames, 9)).toBeGreaterThan(0.7);
    expect(seamRatio(clip.frames, 9)).toBeLessThanOrEqual(1.5);
  });

  it("flags a jump to unrelated content", () => {
    const a = renderClip(scene("right"));
    const b = renderClip({ ...scene("still"), background: { kind: "floor", look: "grass" } });
    expect(seamRatio(concat(a, b).frames, a.frames.length)).toBeGreaterThan(3);
  });

  it("flags an object that jumps at the seam", () => {
    const a = renderClip(scene("right"));
    // The same scene restarted: the star jumps back to where it began.
    expect(seamRatio(concat(a, a).frames, a.frames.length)).toBeGreaterThan(1.5);
  });
});

describe("loop closure", () => {
  it("a full orbit closes", () => {
    expect(loopRatio(renderClip(scene("orbit", "fast")))).toBeLessThanOrEqual(1.5);
  });

  it("a one-way translation does not", () => {
    expect(loopRatio(renderClip(scene("right")))).toBeGreaterThan(1.5);
  });
});
