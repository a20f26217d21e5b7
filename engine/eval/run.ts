// The evaluation: held-out prompts scored for the renderer (the ceiling), the VAE round trip (the ceiling on the
// pack's autoencoder), the model, and an untrained model (floor).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AspectRatio, Clip } from "../types.ts";
import type { Pipeline } from "../pipeline/index.ts";
import { aggregate, type RowMetrics } from "./aggregate.ts";
import { autoencoderRow } from "./autoencoder.ts";
import { aspectOf, evalItems, renderItem } from "./items.ts";
import { isTranslation, scoreClip, type ClipScore } from "./score.ts";
import type { HeldoutItem, Scene } from "./synth-bridge.ts";
import { loopRatio, seamRatio } from "./temporal.ts";
import { loopLayout } from "../pipeline/conditioning.ts";

export interface EvalOptions {
  /** Held-out prompts. */
  n: number;
  /** Held-out set seed; item i is generated with seed `seed + i`. */
  seed: number;
  steps?: number;
  guidance?: number;
  /** false: the model reads each held-out prompt as written, not the pipeline's rewrite of it (expand.ts). */
  expand?: boolean;
  /** false: a pack with the layout input (CONTRACTS §8) runs without it. */
  layout?: boolean;
  /** Model pack for the model row (default: the pipeline's default pack). */
  modelDir?: string;
  /** Untrained pack for the floor row (default runs/random-pack). */
  floorDir?: string;
  /** How many items also get a forward extension (seam) and a loop (closure) in the model row; as many items with a
   * translating object get an extension too (the moving seam), which the first items alone would rarely include. */
  temporalItems: number;
  /** New frames per extension. */
  extendFrames: number;
  threads?: number;
  /** Skip the floor row (it costs as much as the model row). */
  skipFloor?: boolean;
  /** Skip the VAE round-trip row (the model pack's autoencoder alone; a few seconds). */
  skipAutoencoder?: boolean;
  log?: (line: string) => void;
}

export interface ItemResult {
  prompt: string;
  aspect: AspectRatio;
  scene: Scene;
  score: ClipScore;
  seam?: number;
  /** Set on items with a translating object: the same seam ratio, reported on its own. */
  movingSeam?: number;
  loop?: number;
  /** The loop's other seam, clip → bridge (inside the loop, where the wrap-around metric does not look). */
  loopSeam?: number;
}

export interface RowResult {
  name: string;
  source: string;
  metrics: RowMetrics | null;
  /** Why the row is n/a. */
  note?: string;
  seconds: number;
  items: ItemResult[];
}

export interface EvalReport {
  options: Omit<EvalOptions, "log">;
  rows: RowResult[];
}

/** Renders each held-out scene at its item's aspect and scores it: what a perfect model would get from this scorer. */
export function groundTruthRow(items: HeldoutItem[]): RowResult {
  const t0 = performance.now();
  const results = items.map((item, i): ItemResult => {
    const { clip, aspect } = renderItem(item, i);
    return { prompt: item.caption, aspect, scene: item.scene, score: scoreClip(clip, item.scene) };
  });
  return {
    name: "renderer (ceiling)", source: "engine/synth renderScene",
    metrics: aggregate(results.map((r) => r.score)), seconds: (performance.now() - t0) / 1000, items: results,
  };
}

/** A pack directory is usable when it has its manifest; an empty engine/models/default means "not trained yet". */
function packMissing(dir: string): string | null {
  return existsSync(join(dir, "model_index.json")) ? null : `no model pack at ${dir} (model_index.json missing)`;
}

export async function modelRow(
  name: string, dir: string | undefined, items: HeldoutItem[], opts: EvalOptions, temporal: boolean,
): Promise<RowResult> {
  const t0 = performance.now();
  // Imported only here, so the renderer row (and the scorer's tests) never load onnxruntime.
  const pipelineModule = await import("../pipeline/index.ts");
  const modelDir = pipelineModule.resolveModelDir(dir);
  const missing = packMissing(modelDir);
  if (missing) return { name, source: modelDir, metrics: null, note: missing, seconds: 0, items: [] };
  const pipe = await pipelineModule.loadPipeline({ modelDir, ...(opts.threads ? { threads: opts.threads } : {}) });
  // Which denoiser ran (SORA_PRECISION): the int8 and float ones score alike, but not identically.
  const source = `${modelDir} (${pipe.info.precision}${opts.expand === false ? ", prompts as written" : ""}` +
    `${pipe.info.layout ? (opts.layout === false ? ", layout off" : ", layout") : ""})`;
  const common = { steps: opts.steps, guidance: opts.guidance, expand: opts.expand, layout: opts.layout };
  const results: ItemResult[] = [];
  const moving = new Set(items.flatMap((item, i) => (item.scene.objects.some(isTranslation) ? [i] : []))
    .slice(0, opts.temporalItems));
  try {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const aspect = aspectOf(i);
      const seed = opts.seed + i;
      const res = await pipe.generate({ prompt: item.caption, seed, aspect, ...common });
      const r: ItemResult = { prompt: item.caption, aspect, scene: item.scene, score: scoreClip(res.clip, item.scene) };
      if (temporal && i < opts.temporalItems) {
        r.seam = await extensionSeam(pipe, item.caption, seed, res.clip, opts, common);
        const loop = await pipe.generate({ prompt: item.caption, seed, aspect, condition: { kind: "loop" }, ...common });
        r.loop = loopRatio(loop.clip);
        r.loopSeam = seamRatio(loop.clip.frames, loopLayout(loop.clip.frames.length, pipe.info.passFrames).clip);
      }
      if (temporal && moving.has(i)) {
        r.movingSeam = r.seam ?? await extensionSeam(pipe, item.caption, seed, res.clip, opts, common);
      }
      results.push(r);
      opts.log?.(`${name}: ${i + 1}/${items.length} (${((performance.now() - t0) / 1000).toFixed(0)}s)`);
    }
  } finally {
    await pipe.close();
  }
  const seams = results.flatMap((r) => (r.seam === undefined ? [] : [r.seam]));
  const loops = results.flatMap((r) => (r.loop === undefined ? [] : [r.loop]));
  const loopSeams = results.flatMap((r) => (r.loopSeam === undefined ? [] : [r.loopSeam]));
  const movingSeams = results.flatMap((r) => (r.movingSeam === undefined ? [] : [r.movingSeam]));
  return {
    name, source, metrics: aggregate(results.map((r) => r.score), { seams, loops, movingSeams, loopSeams }),
    seconds: (performance.now() - t0) / 1000, items: results,
  };
}

/** Extends the model's own clip forward; the output is parent + new frames, so the seam is at the parent's length. */
async function extensionSeam(
  pipe: Pipeline, prompt: string, seed: number, parent: Clip, opts: EvalOptions,
  common: { steps?: number; guidance?: number; expand?: boolean; layout?: boolean },
): Promise<number> {
  const res = await pipe.generate({
    prompt, seed: seed + 1000, frames: opts.extendFrames, condition: { kind: "extend", parent, direction: "forward" }, ...common,
  });
  return seamRatio(res.clip.frames, parent.frames.length);
}

export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  const items = evalItems(opts.n, opts.seed);
  const rows: RowResult[] = [groundTruthRow(items)];
  opts.log?.(`renderer: ${items.length} clips in ${rows[0].seconds.toFixed(1)}s`);
  if (!opts.skipAutoencoder) {
    rows.push(await autoencoderRow(items, opts));
    opts.log?.(`VAE round trip: ${items.length} clips in ${rows[1].seconds.toFixed(1)}s`);
  }
  rows.push(await safeRow("model", opts.modelDir, items, opts, true));
  if (opts.skipFloor) {
    rows.push({ name: "untrained (floor)", source: "", metrics: null, note: "skipped (--no-floor)", seconds: 0, items: [] });
  } else {
    rows.push(await safeRow("untrained (floor)", opts.floorDir ?? "runs/random-pack", items, opts, false));
  }
  const { log: _log, ...options } = opts;
  return { options, rows };
}

/** A row whose pack cannot be loaded is n/a with the reason, so the other rows still print. */
async function safeRow(
  name: string, dir: string | undefined, items: HeldoutItem[], opts: EvalOptions, temporal: boolean,
): Promise<RowResult> {
  try {
    return await modelRow(name, dir, items, opts, temporal);
  } catch (e) {
    return failedRow(name, dir ?? "default", e);
  }
}

/** The n/a row of a row that could not be run, with the reason. */
export function failedRow(name: string, source: string, error: unknown): RowResult {
  return { name, source, metrics: null, note: `failed: ${(error as Error).message}`, seconds: 0, items: [] };
}
