// npm run synth -- --out data/shards --clips 12000 --heldout 256 --seed 1 [--per-shard 500] [--workers 8]
//
// --workers N renders the shards in N child processes (one core each; the renderer is single-threaded, ~800 clips/s
// a core), each writing every N-th shard. The dataset is byte-for-byte the same for any N: every shard draws from
// its own seed.

import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import { removeStaleShards, writeDataset } from "./shards.ts";

function parse() {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "data/shards" },
      clips: { type: "string", default: "12000" },
      heldout: { type: "string", default: "256" },
      seed: { type: "string", default: "1" },
      "per-shard": { type: "string", default: "500" },
      workers: { type: "string", default: "1" },
      part: { type: "string" },
    },
    strict: true,
  });
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  let part: { index: number; count: number } | undefined;
  if (values.part !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.part);
    if (!m || Number(m[1]) >= Number(m[2])) throw new Error(`--part must be K/N with K < N, got ${values.part}`);
    part = { index: Number(m[1]), count: Number(m[2]) };
  }
  return {
    out: values.out!,
    clips: num("clips", values.clips, 0),
    heldout: num("heldout", values.heldout, 0),
    seed: num("seed", values.seed, 0),
    perShard: num("per-shard", values["per-shard"], 1),
    workers: num("workers", values.workers, 1),
    part,
  };
}

function renderHere(opts: ReturnType<typeof parse>): void {
  const label = opts.part ? `part ${opts.part.index}/${opts.part.count}: ` : "";
  const result = writeDataset({
    ...opts,
    onShard: ({ plan, clipsDone, clipsTotal, seconds }) => {
      const rate = clipsDone / Math.max(seconds, 1e-6);
      console.log(`  ${label}${plan.split}/${plan.aspect}-${String(plan.index).padStart(5, "0")} (${plan.count})  ` +
        `${clipsDone}/${clipsTotal} clips  ${seconds.toFixed(1)} s  ${rate.toFixed(0)} clips/s`);
    },
  });
  console.log(`synth: ${label}done, ${result.clips} clips in ${result.seconds.toFixed(1)} s ` +
    `(${(result.clips / Math.max(result.seconds, 1e-6)).toFixed(0)} clips/s)`);
}

async function renderInWorkers(opts: ReturnType<typeof parse>): Promise<void> {
  const started = performance.now();
  const childArgs = process.argv.slice(2).filter((a, i, all) => a !== "--workers" && all[i - 1] !== "--workers"
    && !a.startsWith("--workers="));
  const exits = Array.from({ length: opts.workers }, (_, k) => new Promise<number>((resolve) => {
    fork(process.argv[1]!, [...childArgs, "--part", `${k}/${opts.workers}`]).on("exit", (code) => resolve(code ?? 1));
  }));
  const failed = (await Promise.all(exits)).filter((code) => code !== 0).length;
  if (failed > 0) throw new Error(`synth: ${failed} of ${opts.workers} workers failed`);
  removeStaleShards(opts);
  const seconds = (performance.now() - started) / 1000;
  const clips = opts.clips + opts.heldout;
  console.log(`synth: done, ${clips} clips in ${seconds.toFixed(1)} s with ${opts.workers} workers ` +
    `(${(clips / Math.max(seconds, 1e-6)).toFixed(0)} clips/s)`);
}

async function main(): Promise<void> {
  const opts = parse();
  if (!opts.part) {
    console.log(`synth: ${opts.clips} training + ${opts.heldout} held-out clips, seed ${opts.seed} → ${opts.out}`);
  }
  if (opts.workers > 1 && !opts.part) await renderInWorkers(opts);
  else renderHere(opts);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
