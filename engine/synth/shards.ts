// Training shards (CONTRACTS.md §2): <out>/<split>/<aspect>-<NNNNN>.bin (raw uint8 clips) with a .json beside it.
// Each shard draws from its own derived seed, so a shard's bytes do not depend on the order shards are written in.
// Files appear atomically (written to a temporary name, then renamed; the .json last), so a reader that lists
// .json files never sees a half-written shard.

import * as fs from "node:fs";
import * as path from "node:path";
import type { Scene } from "./types.ts";
import { Rng, deriveSeed } from "./rng.ts";
import { renderSceneInto } from "./render.ts";
import { heldoutSet, trainingCaptions, trainingScene } from "./split.ts";

export type Split = "train" | "heldout";
export type ShardAspect = "1x1" | "16x9" | "9x16";

export const SHARD_SIZES: Record<ShardAspect, { width: number; height: number }> = {
  "1x1": { width: 64, height: 64 },
  "16x9": { width: 112, height: 64 },
  "9x16": { width: 64, height: 112 },
};
export const SHARD_FRAMES = 17;
export const SHARD_FPS = 8;
/** Share of clips per aspect in both splits. */
export const ASPECT_MIX: readonly (readonly [ShardAspect, number])[] = [["1x1", 0.6], ["16x9", 0.2], ["9x16", 0.2]];

export interface ShardItem {
  scene: Scene;
  captions: string[];
}

export interface ShardMeta {
  width: number;
  height: number;
  frames: number;
  fps: number;
  count: number;
  items: ShardItem[];
}

export function shardName(aspect: ShardAspect, index: number): string {
  return `${aspect}-${String(index).padStart(5, "0")}`;
}

/** How many clips of each aspect a split of `total` clips holds. */
export function aspectCounts(total: number): [ShardAspect, number][] {
  const counts = ASPECT_MIX.map(([aspect, share]) => [aspect, Math.round(total * share)] as [ShardAspect, number]);
  counts[0][1] += total - counts.reduce((a, [, n]) => a + n, 0);
  return counts;
}

export interface ShardPlan {
  split: Split;
  aspect: ShardAspect;
  index: number;
  count: number;
}

export function planShards(split: Split, total: number, perShard: number): ShardPlan[] {
  const plans: ShardPlan[] = [];
  for (const [aspect, n] of aspectCounts(total)) {
    for (let index = 0, done = 0; done < n; index++) {
      const count = Math.min(perShard, n - done);
      plans.push({ split, aspect, index, count });
      done += count;
    }
  }
  return plans;
}

function writeAtomically(finalPath: string, write: (tmpPath: string) => void): void {
  const tmp = `${finalPath}.tmp-${process.pid}`;
  try {
    write(tmp);
    fs.renameSync(tmp, finalPath);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Renders `items` into one shard; clips are streamed to disk one at a time so memory stays small. */
export function writeShard(dir: string, plan: ShardPlan, items: ShardItem[]): void {
  const { width, height } = SHARD_SIZES[plan.aspect];
  const size = { width, height, frames: SHARD_FRAMES };
  const splitDir = path.join(dir, plan.split);
  fs.mkdirSync(splitDir, { recursive: true });
  const base = path.join(splitDir, shardName(plan.aspect, plan.index));
  const clip = new Uint8Array(SHARD_FRAMES * height * width * 3);
  writeAtomically(`${base}.bin`, (tmp) => {
    const fd = fs.openSync(tmp, "w");
    try {
      for (const item of items) {
        renderSceneInto(item.scene, size, clip, 0);
        fs.writeSync(fd, clip);
      }
    } finally {
      fs.closeSync(fd);
    }
  });
  const meta: ShardMeta = { width, height, frames: SHARD_FRAMES, fps: SHARD_FPS, count: items.length, items };
  writeAtomically(`${base}.json`, (tmp) => fs.writeFileSync(tmp, JSON.stringify(meta)));
}

/** The items of one training shard, from that shard's own seed. */
export function trainingItems(seed: number, plan: ShardPlan): ShardItem[] {
  const rng = new Rng(deriveSeed(seed, "train", plan.aspect, plan.index));
  const items: ShardItem[] = [];
  for (let i = 0; i < plan.count; i++) {
    const scene = trainingScene(rng);
    items.push({ scene, captions: trainingCaptions(scene, rng) });
  }
  return items;
}

/** Held-out shards hold `heldoutSet(n, seed)` in order, split across aspects by ASPECT_MIX. */
export function heldoutItems(n: number, seed: number, plans: ShardPlan[]): Map<ShardPlan, ShardItem[]> {
  const all = heldoutSet(n, seed);
  const out = new Map<ShardPlan, ShardItem[]>();
  let next = 0;
  for (const plan of plans) {
    out.set(plan, all.slice(next, next + plan.count).map(({ scene, captions }) => ({ scene, captions })));
    next += plan.count;
  }
  return out;
}

/** Removes shard files of a split that the current plan does not produce (left from an earlier, larger run). */
function removeStale(dir: string, split: Split, plans: ShardPlan[]): void {
  const splitDir = path.join(dir, split);
  if (!fs.existsSync(splitDir)) return;
  const keep = new Set(plans.map((p) => shardName(p.aspect, p.index)));
  for (const file of fs.readdirSync(splitDir)) {
    const m = /^(1x1|16x9|9x16)-(\d{5})\.(bin|json)$/.exec(file);
    if (m && !keep.has(`${m[1]}-${m[2]}`)) fs.rmSync(path.join(splitDir, file));
  }
}

export interface DatasetOptions {
  out: string;
  clips: number;
  heldout: number;
  seed: number;
  perShard?: number;
  /** Write only every `count`-th shard starting at `index` (held-out shards belong to part 0), so `count` processes
   * can share one dataset; stale shards are then left for the caller to remove (`removeStaleShards`). */
  part?: { index: number; count: number };
  onShard?: (p: { plan: ShardPlan; clipsDone: number; clipsTotal: number; seconds: number }) => void;
}

export function writeDataset(opts: DatasetOptions): { clips: number; seconds: number } {
  const perShard = opts.perShard ?? 500;
  const part = opts.part ?? { index: 0, count: 1 };
  const started = performance.now();
  const trainPlans = planShards("train", opts.clips, perShard).filter((_, i) => i % part.count === part.index);
  const heldoutPlans = part.index === 0 ? planShards("heldout", opts.heldout, perShard) : [];
  const total = trainPlans.reduce((n, p) => n + p.count, 0) + heldoutPlans.reduce((n, p) => n + p.count, 0);
  let done = 0;
  const report = (plan: ShardPlan) =>
    opts.onShard?.({ plan, clipsDone: done, clipsTotal: total, seconds: (performance.now() - started) / 1000 });
  // Held-out first: it is small, and the evaluation's copy of it is then on disk early.
  for (const [plan, items] of heldoutItems(opts.heldout, opts.seed, heldoutPlans)) {
    writeShard(opts.out, plan, items);
    done += items.length;
    report(plan);
  }
  for (const plan of trainPlans) {
    writeShard(opts.out, plan, trainingItems(opts.seed, plan));
    done += plan.count;
    report(plan);
  }
  if (part.count === 1) removeStaleShards(opts);
  return { clips: done, seconds: (performance.now() - started) / 1000 };
}

/** Removes shard files that the dataset `opts` describes does not produce (left from an earlier, larger run). */
export function removeStaleShards(opts: Pick<DatasetOptions, "out" | "clips" | "heldout" | "perShard">): void {
  const perShard = opts.perShard ?? 500;
  removeStale(opts.out, "train", planShards("train", opts.clips, perShard));
  removeStale(opts.out, "heldout", planShards("heldout", opts.heldout, perShard));
}

/** Reads a shard back (for tests and tools): its metadata and its raw clip bytes. */
export function readShard(dir: string, split: Split, aspect: ShardAspect, index: number): { meta: ShardMeta; data: Uint8Array } {
  const base = path.join(dir, split, shardName(aspect, index));
  const meta = JSON.parse(fs.readFileSync(`${base}.json`, "utf8")) as ShardMeta;
  const data = new Uint8Array(fs.readFileSync(`${base}.bin`));
  return { meta, data };
}
