// The breakdown splits a row's scores by what was asked and names what was read instead: checked on rendered clips
// scored against their own scenes and against scenes whose first object asks for another colour.
import { describe, expect, it } from "vitest";
import { aggregate } from "../../engine/eval/aggregate.ts";
import { breakdown, formatBreakdown } from "../../engine/eval/breakdown.ts";
import type { ItemResult } from "../../engine/eval/run.ts";
import { scoreClip } from "../../engine/eval/score.ts";
import type { Scene } from "../../engine/eval/synth-bridge.ts";
import { renderedHeldout } from "./helpers.ts";

const rendered = renderedHeldout(16, 77);

function items(sceneFor: (scene: Scene) => Scene): ItemResult[] {
  return rendered.map((r) => {
    const scene = sceneFor(r.scene);
    return { prompt: "", aspect: r.aspect, scene, score: scoreClip(r.clip, scene) };
  });
}

/** Asks for blue where red was drawn and red where anything else was (never the drawn colour). */
const wrongFirstColour = (scene: Scene): Scene => ({
  ...scene,
  objects: scene.objects.map((o, i) => (i === 0 ? { ...o, color: o.color === "red" ? "blue" : "red" } : o)),
});

describe("eval breakdown", () => {
  it("counts every object once per attribute, matching the row's rates", () => {
    const own = items((s) => s);
    const { attributes, byCount } = breakdown(own);
    const objects = own.flatMap((it) => it.score.objects).length;
    const colour = attributes.find((a) => a.name === "colour")!;
    expect([...colour.byAsked.values()].reduce((n, c) => n + c.total, 0)).toBe(objects);
    const direction = attributes.find((a) => a.name === "direction")!;
    const row = aggregate(own.map((it) => it.score));
    const hits = [...direction.byAsked.values()].reduce((n, c) => n + c.hits, 0);
    const total = [...direction.byAsked.values()].reduce((n, c) => n + c.total, 0);
    expect(total).toBeGreaterThan(0);
    expect(hits / total).toBeCloseTo(row.direction!, 10);
    expect([...byCount.values()].reduce((n, m) => n + (m.get("colour")?.total ?? 0), 0)).toBe(objects);
  });

  it("names the colour that was drawn instead of the one asked", () => {
    const wrong = items(wrongFirstColour);
    const colour = breakdown(wrong).attributes.find((a) => a.name === "colour")!;
    const expected = new Map<string, number>();
    rendered.forEach((r, i) => {
      const asked = wrong[i].scene.objects[0].color;
      const key = `${asked}→${r.scene.objects[0].color}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    });
    expect(new Map(colour.confusions)).toEqual(expected);
    expect(colour.byAsked.get("red")!.hits).toBeLessThan(colour.byAsked.get("red")!.total);
    const text = formatBreakdown("model", wrong);
    expect(text).toContain(`misses: ${colour.confusions[0][0]} ${colour.confusions[0][1]}`);
    expect(text).toMatch(/clips with 1 object: colour \d+\/\d+/);
  });
});
