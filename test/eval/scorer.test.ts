// The scorer reads rendered held-out scenes back from their pixels: the renderer is the ceiling a model is held to,
// so the scorer must get (nearly) all of it right. Measured on 1,500 held-out scenes: colour, count, background,
// direction and motion 100 %, shape 99.0–99.2 % (small 10-px stars, triangles and squares are the misses).
import { describe, expect, it } from "vitest";
import { aggregate } from "../../engine/eval/aggregate.ts";
import { degradeClip } from "../../engine/eval/degrade.ts";
import { scoreClip } from "../../engine/eval/score.ts";
import { renderedHeldout } from "./helpers.ts";

const items = renderedHeldout(40, 2024);
const row = aggregate(items.map((it) => scoreClip(it.clip, it.scene)));

describe("scorer on rendered held-out scenes", () => {
  it("covers translations and every aspect", () => {
    expect(items.filter((it) => it.scene.objects.some((o) => ["left", "right", "up", "down", "diagonal"].includes(o.motion))).length)
      .toBeGreaterThanOrEqual(8);
    expect(new Set(items.map((it) => it.aspect)).size).toBe(3);
  });

  it("recovers colour, count, background and direction", () => {
    expect(row.colour).toBeGreaterThanOrEqual(0.95);
    expect(row.count).toBeGreaterThanOrEqual(0.95);
    expect(row.background).toBeGreaterThanOrEqual(0.95);
    expect(row.direction).toBeGreaterThanOrEqual(0.95);
  });

  it("recovers shape and motion class", () => {
    expect(row.shape).toBeGreaterThanOrEqual(0.9);
    expect(row.motion).toBeGreaterThanOrEqual(0.9);
    expect(row.speed).toBeGreaterThanOrEqual(0.9);
  });

  it("a clean render does not flicker", () => {
    expect(row.flicker).toBeGreaterThanOrEqual(0.99);
  });

  it("still reads clips softened and noised like a model's output", () => {
    // Two blur passes (σ ≈ 1 px), noise σ 6, a ±10 colour shift: measured on 300 scenes ≥ 98 % on every attribute.
    const soft = aggregate(items.map((it, i) => scoreClip(degradeClip(it.clip, { blur: 2, noise: 6, shift: 10, seed: i }), it.scene)));
    expect(soft.colour).toBeGreaterThanOrEqual(0.9);
    expect(soft.direction).toBeGreaterThanOrEqual(0.9);
    expect(soft.shape).toBeGreaterThanOrEqual(0.85);
    expect(soft.count).toBeGreaterThanOrEqual(0.9);
  });
});
