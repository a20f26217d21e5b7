// npm run eval [-- --n 48 --model DIR --floor DIR --steps 20 --seed 1 --temporal 4 --json out.json --no-floor]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatBreakdown } from "./breakdown.ts";
import { runEval, type EvalReport } from "./run.ts";
import { formatTable } from "./table.ts";

const USAGE = `usage: npm run eval -- [options]
  --n N           held-out prompts (default 48)
  --seed S        held-out set seed; item i generates with seed S+i (default 1)
  --model DIR     model pack for the model row (default: SORA_MODEL or engine/models/default)
  --floor DIR     untrained pack for the floor row (default runs/random-pack)
  --no-floor      skip the floor row
  --no-vae        skip the VAE round-trip row (the pack's autoencoder alone: the ceiling of any denoiser on it)
  --steps K       sampling steps (default: the pack's, 20)
  --guidance W    CFG scale (default: the pack's)
  --raw           the model reads each prompt as written (default: rewritten into its caption style, as the product
                  does); --no-expand is the same
  --no-layout     a pack with the layout input runs without it (as for prompts the parser cannot read)
  --temporal T    items that also get an extension (seam) and a loop (closure), model row only (default 4)
  --extend F      new frames per extension (default 8)
  --threads T     intra-op threads per ONNX session
  --json FILE     write every number (per item too) as JSON
  --breakdown     also print each row's hits by asked colour, shape, motion and direction, its misses as
                  asked→read, and its rates by objects per clip
  --from FILE     print the table (and --breakdown) of a report written by --json, without running anything
  --quiet         no progress lines`;

function main(): void {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "48" },
      seed: { type: "string", default: "1" },
      model: { type: "string" },
      floor: { type: "string" },
      "no-floor": { type: "boolean", default: false },
      "no-vae": { type: "boolean", default: false },
      steps: { type: "string" },
      guidance: { type: "string" },
      raw: { type: "boolean", default: false },
      "no-expand": { type: "boolean", default: false },
      "no-layout": { type: "boolean", default: false },
      temporal: { type: "string", default: "4" },
      extend: { type: "string", default: "8" },
      threads: { type: "string" },
      json: { type: "string" },
      breakdown: { type: "boolean", default: false },
      from: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`--${name} wants a non-negative number, got "${v}"`);
    return x;
  };
  const print = (report: EvalReport) => {
    console.log(formatTable(report.rows.map((r) => ({ name: r.name, metrics: r.metrics, note: r.note, seconds: r.seconds }))));
    if (values.breakdown) {
      for (const r of report.rows) if (r.items.length) console.log(`\n${formatBreakdown(r.name, r.items)}`);
    }
  };
  if (values.from) {
    print(JSON.parse(readFileSync(values.from, "utf8")) as EvalReport);
    return;
  }
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  runEval({
    n: int("n", values.n)!,
    seed: int("seed", values.seed)!,
    steps: int("steps", values.steps),
    guidance: int("guidance", values.guidance),
    expand: !(values.raw || values["no-expand"]),
    layout: !values["no-layout"],
    modelDir: values.model,
    floorDir: values.floor,
    skipFloor: values["no-floor"],
    skipAutoencoder: values["no-vae"],
    temporalItems: int("temporal", values.temporal)!,
    extendFrames: int("extend", values.extend)!,
    threads: int("threads", values.threads),
    log,
  }).then((report) => {
    print(report);
    if (values.json) {
      writeFileSync(values.json, JSON.stringify(report, null, 1));
      console.log(`wrote ${values.json}`);
    }
  }).catch((e: Error) => {
    console.error(`eval failed: ${e.message}`);
    process.exitCode = 1;
  });
}

try {
  main();
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exitCode = 2;
}
