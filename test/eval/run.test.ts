// The evaluation's rows and table: the renderer row, the VAE round-trip row, a missing pack's n/a rows, extensions, the printed table.
import { describe, expect, it } from "vitest";
import { autoencoderRow } from "../../engine/eval/autoencoder.ts";
import { evalItems } from "../../engine/eval/items.ts";
import { groundTruthRow, modelRow } from "../../engine/eval/run.ts";
import { formatTable } from "../../engine/eval/table.ts";

describe("evaluation rows", () => {
  it("the renderer row scores its own renders at the ceiling", () => {
    const row = groundTruthRow(evalItems(6, 1));
    expect(row.items).toHaveLength(6);
    expect(row.metrics?.colour).toBe(1);
    expect(row.metrics?.background).toBe(1);
    expect(new Set(row.items.map((i) => i.aspect)).size).toBe(3);
  });

  it("a missing model pack gives an n/a row with the reason", async () => {
    const row = await modelRow("model", "/nonexistent/pack", evalItems(2, 1), { n: 2, seed: 1, temporalItems: 0, extendFrames: 8 }, false);
    expect(row.metrics).toBeNull();
    expect(row.note).toMatch(/no model pack/);
  });

  it("the VAE round-trip row keeps what the shipped autoencoder carries, and is n/a without a pack", async () => {
    const row = await autoencoderRow(evalItems(6, 1), { threads: 1 });
    expect(row.items).toHaveLength(6);
    // On 96 held-out scenes the shipped VAE keeps colour, background and motion at 100 % (shape 91 %).
    expect(row.metrics?.colour).toBe(1);
    expect(row.metrics?.background).toBe(1);
    expect(row.metrics?.motion).toBe(1);
    const missing = await autoencoderRow(evalItems(1, 1), { modelDir: "/nonexistent/pack" });
    expect(missing.metrics).toBeNull();
    expect(missing.note).toMatch(/not found/);
  });

  it("extends the first items and, on its own column, the first items whose object travels", async () => {
    // Items 4–6 of the seed-1 set: a still star, then two with travelling objects.
    const items = evalItems(7, 1).slice(4);
    const row = await modelRow("model", undefined, items, { n: 3, seed: 1, steps: 4, temporalItems: 1, extendFrames: 4 }, true);
    expect(row.items.map((r) => r.seam !== undefined)).toEqual([true, false, false]);
    expect(row.items.map((r) => r.movingSeam !== undefined)).toEqual([false, true, false]);
    expect(row.metrics?.seamN).toBe(1);
    expect(row.metrics?.movingSeamN).toBe(1);
    expect(row.metrics?.movingSeam).toBeGreaterThan(0);
    // The loop is measured at both its seams: the wrap and the clip → bridge seam inside it.
    expect(row.metrics?.loopN).toBe(1);
    expect(row.metrics?.loopSeamN).toBe(1);
    expect(row.metrics?.loopSeam).toBeGreaterThan(0);
  });

  it("prints one aligned table with n/a rows and the targets", () => {
    const gt = groundTruthRow(evalItems(3, 1));
    const text = formatTable([
      { name: gt.name, metrics: gt.metrics, seconds: gt.seconds },
      { name: "model", metrics: null, note: "no model pack at x" },
    ]);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^row\s+n\s+colour\s+shape\s+count/);
    // Header, rule and rows share one width.
    expect(new Set(lines.slice(0, 4).map((l) => l.length)).size).toBe(1);
    expect(text).toMatch(/model\s+n\/a/);
    expect(text).toMatch(/colour ≥ 90%.*direction ≥ 85%.*shape ≥ 75%.*flicker ≥ 0.95.*seam ≤ 1.5×/);
  });
});
