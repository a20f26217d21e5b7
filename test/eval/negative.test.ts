// The scorer must be able to say "wrong": an echo of the expected scene, or a scorer that finds objects in anything,
// would pass the ceiling tests and fail these.
import { describe, expect, it } from "vitest";
import type { Clip } from "../../engine/types.ts";
import { aggregate } from "../../engine/eval/aggregate.ts";
import { scoreClip } from "../../engine/eval/score.ts";
import { readClip } from "../../engine/eval/read-clip.ts";
import { ASPECT_SIZES } from "../../engine/eval/sizes.ts";
import { COLORS, Rng, SHAPES, type Scene, type SceneObject } from "../../engine/eval/synth-bridge.ts";
import { renderedHeldout } from "./helpers.ts";

const items = renderedHeldout(40, 2024);

function noiseClip(rng: Rng, smooth: boolean): Clip {
  const [width, height] = ASPECT_SIZES["1:1"];
  const frames = Array.from({ length: 17 }, () => {
    const data = new Uint8Array(width * height * 3);
    if (!smooth) {
      for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
    } else {
      // Random colour blocks of 8×8 px: blob-like regions a lenient scorer could take for objects.
      for (let by = 0; by < height; by += 8) for (let bx = 0; bx < width; bx += 8) {
        const c = [rng.int(256), rng.int(256), rng.int(256)];
        for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) data.set(c, (y * width + x) * 3);
      }
    }
    return { width, height, data };
  });
  return { width, height, fps: 8, frames };
}

describe("scorer on noise", () => {
  it("finds no object in per-pixel noise", () => {
    const rng = new Rng(5);
    for (let k = 0; k < 4; k++) expect(readClip(noiseClip(rng, false)).objects).toHaveLength(0);
  });

  it("does not credit the expected attributes to noise", () => {
    const rng = new Rng(6);
    for (const smooth of [false, true]) {
      const row = aggregate(items.map((it) => scoreClip(noiseClip(rng, smooth), it.scene)));
      expect(row.colour).toBeLessThanOrEqual(0.2);
      expect(row.shape).toBeLessThanOrEqual(0.2);
      expect(row.direction).toBeLessThanOrEqual(0.2);
      expect(row.motion).toBeLessThanOrEqual(0.2);
      expect(row.count).toBeLessThanOrEqual(0.2);
    }
  });
});

const OPPOSITE: Record<string, SceneObject["motion"]> = {
  left: "right", right: "left", up: "down", down: "up", diagonal: "diagonal",
  bounce: "still", spin: "still", grow: "shrink", shrink: "grow", orbit: "still", still: "left",
};

/** The same scene with every object's colour, shape and motion changed (diagonals turn to the opposite corner). */
function perturb(scene: Scene, rng: Rng): Scene {
  return {
    ...scene,
    objects: scene.objects.map((o) => {
      const taken = new Set(scene.objects.map((x) => x.color));
      const colors = COLORS.filter((c) => !taken.has(c));
      const flipped = o.diagonal === "up-left" ? "down-right" : o.diagonal === "up-right" ? "down-left"
        : o.diagonal === "down-left" ? "up-right" : o.diagonal === "down-right" ? "up-left" : undefined;
      return {
        ...o,
        color: rng.pick(colors),
        shape: rng.pick(SHAPES.filter((s) => s !== o.shape)),
        motion: OPPOSITE[o.motion],
        ...(flipped ? { diagonal: flipped } : {}),
      };
    }),
  };
}

describe("scorer against the wrong scene", () => {
  it("reports changed colour, shape, motion and direction as wrong", () => {
    const rng = new Rng(7);
    const row = aggregate(items.map((it) => scoreClip(it.clip, perturb(it.scene, rng))));
    expect(row.colour).toBeLessThanOrEqual(0.05);
    expect(row.shape).toBeLessThanOrEqual(0.1);
    expect(row.motion).toBeLessThanOrEqual(0.05);
    expect(row.direction).toBeLessThanOrEqual(0.05);
  });
});
