import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  aspectCounts, planShards, readShard, renderScene, sceneHasHeldOutCombo, writeDataset,
} from "../../engine/synth/index.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-shards-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("shards", () => {
  it("splits clips 60/20/20 across aspects and into shards of at most perShard clips", () => {
    expect(aspectCounts(12000)).toEqual([["1x1", 7200], ["16x9", 2400], ["9x16", 2400]]);
    const plans = planShards("train", 1000, 300);
    expect(plans.reduce((a, p) => a + p.count, 0)).toBe(1000);
    expect(Math.max(...plans.map((p) => p.count))).toBeLessThanOrEqual(300);
  });

  it("writes shards that read back byte for byte, with metadata per CONTRACTS.md §2", () => {
    const result = writeDataset({ out: dir, clips: 20, heldout: 10, seed: 3, perShard: 8 });
    expect(result.clips).toBe(30);
    const train = fs.readdirSync(path.join(dir, "train")).sort();
    expect(train).toEqual([
      "16x9-00000.bin", "16x9-00000.json", "1x1-00000.bin", "1x1-00000.json", "1x1-00001.bin", "1x1-00001.json",
      "9x16-00000.bin", "9x16-00000.json",
    ]);
    const { meta, data } = readShard(dir, "train", "16x9", 0);
    expect(meta).toMatchObject({ width: 112, height: 64, frames: 17, fps: 8, count: 4 });
    expect(meta.items.length).toBe(4);
    expect(data.length).toBe(4 * 17 * 64 * 112 * 3);
    const clipBytes = 17 * 64 * 112 * 3;
    meta.items.forEach((item, i) => {
      expect(item.captions.length).toBeGreaterThanOrEqual(6);
      const again = renderScene(item.scene, { width: 112, height: 64, frames: 17 });
      expect(Buffer.compare(Buffer.from(data.subarray(i * clipBytes, (i + 1) * clipBytes)), Buffer.from(again))).toBe(0);
    });
    const held = readShard(dir, "heldout", "1x1", 0);
    expect(held.meta.count).toBe(6);
    for (const item of held.meta.items) expect(sceneHasHeldOutCombo(item.scene)).toBe(true);
    expect(fs.readdirSync(path.join(dir, "train")).some((f) => f.includes(".tmp"))).toBe(false);
  });

  it("is reproducible and removes shards a smaller rerun no longer makes", () => {
    const first = fs.readFileSync(path.join(dir, "train", "1x1-00000.bin"));
    const firstMeta = fs.readFileSync(path.join(dir, "train", "1x1-00000.json"), "utf8");
    writeDataset({ out: dir, clips: 20, heldout: 10, seed: 3, perShard: 8 });
    expect(Buffer.compare(fs.readFileSync(path.join(dir, "train", "1x1-00000.bin")), first)).toBe(0);
    expect(fs.readFileSync(path.join(dir, "train", "1x1-00000.json"), "utf8")).toBe(firstMeta);
    writeDataset({ out: dir, clips: 10, heldout: 10, seed: 3, perShard: 8 });
    expect(fs.existsSync(path.join(dir, "train", "1x1-00001.json"))).toBe(false);
  });

  it("writes the same dataset when split into parts (synth --workers) as in one process", () => {
    const whole = fs.mkdtempSync(path.join(os.tmpdir(), "synth-whole-"));
    const parts = fs.mkdtempSync(path.join(os.tmpdir(), "synth-parts-"));
    try {
      const opts = { clips: 40, heldout: 6, seed: 5, perShard: 7 };
      writeDataset({ ...opts, out: whole });
      const done = [0, 1, 2].map((index) => writeDataset({ ...opts, out: parts, part: { index, count: 3 } }).clips);
      expect(done.reduce((a, b) => a + b, 0)).toBe(46);
      expect(done.every((n) => n > 0)).toBe(true);
      for (const split of ["train", "heldout"]) {
        const names = fs.readdirSync(path.join(whole, split)).sort();
        expect(fs.readdirSync(path.join(parts, split)).sort()).toEqual(names);
        for (const name of names) {
          const a = fs.readFileSync(path.join(whole, split, name));
          expect(Buffer.compare(fs.readFileSync(path.join(parts, split, name)), a), `${split}/${name}`).toBe(0);
        }
      }
    } finally {
      fs.rmSync(whole, { recursive: true, force: true });
      fs.rmSync(parts, { recursive: true, force: true });
    }
  });
});
