// Times one default generation (17 frames, 20 steps, CFG) through loadPipeline for each intra-op thread count.
//   npx tsx engine/pipeline/bench.ts [--model DIR] [--threads 1,2] [--runs 5] [--aspect 1:1]
// Prints the median of each stage; the first run per setting is a warm-up and is not counted.
import { loadPipeline, type Timings } from "./index.ts";
import type { AspectRatio } from "../types.ts";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const modelDir = arg("model", process.env.SORA_MODEL ?? "") || undefined;
const threadsList = arg("threads", "1,2").split(",").map(Number);
const runs = Number(arg("runs", "5"));
const aspect = arg("aspect", "1:1") as AspectRatio;

for (const threads of threadsList) {
  const p = await loadPipeline({ modelDir, threads });
  const req = { prompt: "a red circle moves to the right across a plain black background", seed: 1, steps: 20, guidance: 4, frames: 17, aspect };
  await p.generate(req);
  const all: Timings[] = [];
  for (let i = 0; i < runs; i++) all.push((await p.generate({ ...req, seed: i + 2 })).timings);
  const m = (k: keyof Timings) => median(all.map((t) => t[k])).toFixed(1);
  console.log(
    `${p.info.name} ${aspect} threads=${threads} runs=${runs}: total ${m("totalMs")} ms ` +
      `(text ${m("textMs")}, denoise ${m("denoiseMs")}, decode ${m("decodeMs")}) ` +
      `per step ${(median(all.map((t) => t.denoiseMs)) / 20).toFixed(1)} ms`,
  );
  await p.close();
}
