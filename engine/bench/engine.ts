// `npm run bench:engine`: the default clip (17 frames, 20 steps, CFG) from text to MP4, median ms per stage, against
// two baselines measured in the same run: the same model in PyTorch eager (where torch is installed) and a plain
// matmul on onnxruntime (the machine's achievable GFLOP/s). The pipeline runs twice: with the float denoiser and,
// where the pack has it, with its int8 copy. Prints one table; numbers, never assertions.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { loadPipeline, resolveModelDir, type GenerateResult } from "../pipeline/index.ts";
import { hasInt8Denoiser } from "../pipeline/pack.ts";
import type { AspectRatio } from "../types.ts";
import { encodeMp4 } from "../video/index.ts";
import { denoiseFlops, matmulFlops, readArchitecture } from "./flops.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    threads: { type: "string", default: process.env.SORA_THREADS ?? "1" },
    aspect: { type: "string", default: "1:1" },
    steps: { type: "string", default: "20" },
    model: { type: "string" },
  },
});
const runs = Number(values.runs);
const threads = Number(values.threads);
const steps = Number(values.steps);
const aspect = values.aspect as AspectRatio;
const modelDir = resolveModelDir(values.model);
const here = new URL(".", import.meta.url).pathname;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Peak resident memory of this process (the pipeline's worker thread lives in it), sampled while work runs. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return { stop: () => (clearInterval(timer), peak / 2 ** 20) };
}

async function matmulPeak(n: number): Promise<number> {
  const session = await ort.InferenceSession.create(join(here, "matmul.onnx"), {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential",
  });
  const data = new Float32Array(n * n).map(() => Math.random() - 0.5);
  const feeds = { a: new ort.Tensor("float32", data, [n, n]), b: new ort.Tensor("float32", data, [n, n]) };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  await session.release();
  return matmulFlops(n, n, n) / (median(times) / 1000) / 1e9;
}

/** The first Python that can import torch: $PYTHON, the one on PATH, or Debian's (where python3-torch installs). */
function torchPython(): string | undefined {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p);
  return candidates.find((py) => spawnSync(py, ["-c", "import torch"]).status === 0);
}

function torchEager(): Record<string, number> | string {
  const python = torchPython();
  if (!python) return "torch not installed";
  const r = spawnSync(python, [join(here, "torch_eager.py"), "--pack", modelDir, "--threads", String(threads),
    "--runs", String(runs), "--steps", String(steps), "--aspect", aspect], { encoding: "utf8" });
  if (r.status !== 0) return `torch run failed: ${r.stderr.trim().split("\n").pop()}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

type Stage = "text" | "denoise" | "decode" | "encode" | "total";
type Medians = Record<Stage, number> & { peakRss: number };

/** Median ms per stage over `runs` clips (after a warm-up) with one precision of the denoiser, and peak RSS. */
async function measure(precision: "fp32" | "int8"): Promise<Medians> {
  const pipeline = await loadPipeline({ modelDir, threads, precision });
  const out = mkdtempSync(join(tmpdir(), "sora-bench-"));
  const rows: Record<Stage, number>[] = [];
  const rss = rssSampler();
  try {
    const request = { prompt: "a red ball moves to the left at sunset", steps, aspect, seed: 1 };
    await pipeline.generate(request); // warm-up: session initialisation and first-run allocations
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r: GenerateResult = await pipeline.generate({ ...request, seed: i + 1 });
      const e0 = performance.now();
      await encodeMp4(r.clip, join(out, `clip-${i}.mp4`), { metadata: { prompt: r.prompt, model: pipeline.info.name, seed: r.seed } });
      const end = performance.now();
      rows.push({ text: r.timings.textMs, denoise: r.timings.denoiseMs, decode: r.timings.decodeMs, encode: end - e0, total: end - t0 });
    }
  } finally {
    await pipeline.close();
    rmSync(out, { recursive: true, force: true });
  }
  const med = (k: Stage) => median(rows.map((r) => r[k]));
  return { text: med("text"), denoise: med("denoise"), decode: med("decode"), encode: med("encode"), total: med("total"), peakRss: rss.stop() };
}

async function main() {
  const fp32 = await measure("fp32");
  const int8 = hasInt8Denoiser(modelDir) ? await measure("int8") : undefined;
  const eager = torchEager();
  const peak = await matmulPeak(1024);

  const arch = readArchitecture(modelDir);
  const [width, height] = arch.sizes[aspect];
  const frames = arch.defaultFrames;
  const flops = denoiseFlops(arch, { frames, width, height, steps, textLength: 24, batch: 2 });
  const achieved = flops / (fp32.denoise / 1000) / 1e9;

  const fmt = (x: number | undefined) => (x === undefined ? "n/a" : x.toFixed(1)).padStart(9);
  const torchMs = (stage: Stage) => (typeof eager === "string" ? undefined : eager[stage]);
  const ratio = (stage: Stage, ours: Medians | undefined) => {
    const t = torchMs(stage);
    return (t === undefined || !ours ? "n/a" : `${(t / ours[stage]).toFixed(2)}×`).padStart(9);
  };
  const row = (label: string, stage: Stage, torch = true) =>
    `${label.padEnd(19)}${fmt(fp32[stage])}  ${fmt(int8?.[stage])}  ${fmt(torch ? torchMs(stage) : undefined)}  ${torch ? ratio(stage, fp32) : fmt(undefined)}  ${torch ? ratio(stage, int8) : fmt(undefined)}`;
  const lines = [
    `bench:engine  model ${arch.name}  ${aspect} ${width}×${height}, ${frames} frames, ${steps} steps, CFG (batch 2)`,
    `              ${runs} runs after a warm-up, ${threads} intra-op thread(s), onnxruntime-node ${ort.env.versions.node}`,
    `              int8: the pack's transformer/model.int8.onnx (SORA_PRECISION=auto picks it on the CPU)` + (int8 ? "" : ": not in this pack"),
    "",
    "stage              ORT fp32   ORT int8   torch ms  torch/fp32  torch/int8",
    row("text encoder", "text"),
    row("denoise (DiT)", "denoise"),
    row("VAE decode", "decode"),
    row("MP4 encode", "encode", false),
    row("text → MP4 total", "total", false),
    "",
    `denoise fp32: ${(flops / 1e9).toFixed(1)} GFLOP per clip → ${achieved.toFixed(1)} GFLOP/s; ORT matmul 1024³ peak ${peak.toFixed(1)} GFLOP/s (${((100 * achieved) / peak).toFixed(0)} % of peak)`,
    `peak RSS: ${fp32.peakRss.toFixed(0)} MiB fp32` + (int8 ? `, ${int8.peakRss.toFixed(0)} MiB int8` : "") + " (ORT pipeline process)" +
      (typeof eager === "string" ? `; torch baseline: ${eager}` : `; torch ${eager.torch} eager ${eager.peak_rss_mb.toFixed(0)} MiB, ${eager.threads} thread(s), random weights of the same architecture`),
    `targets: text → MP4 ≤ 1500 ms median on 2 cores; ORT ≥ 2× torch eager`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
