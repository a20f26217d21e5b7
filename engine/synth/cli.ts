// npm run synth -- --out data/shards --clips 12000 --heldout 256 --seed 1 [--per-shard 500]

import { parseArgs } from "node:util";
import { writeDataset } from "./shards.ts";

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "data/shards" },
      clips: { type: "string", default: "12000" },
      heldout: { type: "string", default: "256" },
      seed: { type: "string", default: "1" },
      "per-shard": { type: "string", default: "500" },
    },
    strict: true,
  });
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const opts = {
    out: values.out!,
    clips: num("clips", values.clips, 0),
    heldout: num("heldout", values.heldout, 0),
    seed: num("seed", values.seed, 0),
    perShard: num("per-shard", values["per-shard"], 1),
  };
  console.log(`synth: ${opts.clips} training + ${opts.heldout} held-out clips, seed ${opts.seed} → ${opts.out}`);
  const result = writeDataset({
    ...opts,
    onShard: ({ plan, clipsDone, clipsTotal, seconds }) => {
      const rate = clipsDone / Math.max(seconds, 1e-6);
      console.log(`  ${plan.split}/${plan.aspect}-${String(plan.index).padStart(5, "0")} (${plan.count})  ` +
        `${clipsDone}/${clipsTotal} clips  ${seconds.toFixed(1)} s  ${rate.toFixed(0)} clips/s`);
    },
  });
  console.log(`synth: done, ${result.clips} clips in ${result.seconds.toFixed(1)} s ` +
    `(${(result.clips / Math.max(result.seconds, 1e-6)).toFixed(0)} clips/s)`);
}

main();
