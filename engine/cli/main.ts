// `sora` command line: generate one clip from a prompt (optionally conditioned on images or clips), or run the demo.
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadPipeline, RequestError, type GenerateResult } from "../pipeline/index.ts";
import { framesForSeconds } from "../pipeline/request.ts";
import { VideoError } from "../video/index.ts";
import { writeClipFiles } from "../worker/outputs.ts";
import { MAX_SECONDS, parseGenerateArgs, UsageError, type GenerateArgs } from "./args.ts";
import { chooseAspect, loadCondition } from "./media.ts";
import { progressBar } from "./progress.ts";

const USAGE = `usage:
  sora generate "prompt" [-o clip.mp4] [--seed N] [--steps N] [--guidance W] [--neg "text"] [--ar 16:9|1:1|9:16]
                [--seconds S] [--image in.png | --extend parent.mp4 [--backward] | --interpolate a.png b.png
                | --loop | --remix parent.mp4 [--strength 0.6]] [--model DIR] [--raw] [--layout off] [--preview] [--json]
  sora demo [--out DIR]      render a few example prompts
environment: SORA_MODEL (model pack dir), SORA_DEVICE (cpu|cuda), SORA_THREADS, SORA_PRECISION (auto|fp32|int8)`;

function framesFor(args: GenerateArgs, fps: number): number | undefined {
  const kind = args.condition?.kind;
  return framesForSeconds(args.seconds, fps, kind === "extend" || kind === "interpolate" ? "continuation" : "clip");
}

function checkOutput(file: string): void {
  if (!file.toLowerCase().endsWith(".mp4")) throw new UsageError(`-o must name an .mp4 file (got "${file}")`);
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`the folder for -o does not exist: ${dir}`);
}


async function generate(argv: string[]): Promise<void> {
  const args = parseGenerateArgs(argv);
  checkOutput(args.output);
  for (const f of conditionFiles(args)) if (!existsSync(f)) throw new UsageError(`no such file: ${f}`);

  // Longer clips than one pass of the model are made by extending in chunks, up to the product's 60-second limit.
  const pipeline = await loadPipeline({ modelDir: args.model, maxSeconds: MAX_SECONDS });
  try {
    const info = pipeline.info;
    const aspect = await chooseAspect(args.condition, args.aspect, info);
    const condition = await loadCondition(args.condition, aspect, info);
    const bar = args.json ? undefined : progressBar(process.stderr);
    const result = await pipeline.generate({
      prompt: args.prompt, negativePrompt: args.negativePrompt, seed: args.seed, steps: args.steps,
      guidance: args.guidance, aspect, frames: framesFor(args, info.fps), expand: !args.raw, layout: args.layout, condition,
      onProgress: bar?.update,
    });
    bar?.done();
    const files = await writeOutputs(args, result, info.name);
    report(args, result, files, info.precision);
  } finally {
    await pipeline.close();
  }
}

function conditionFiles(args: GenerateArgs): string[] {
  const c = args.condition;
  if (!c || c.kind === "loop") return [];
  return c.kind === "interpolate" ? [c.a, c.b] : [c.file];
}

async function writeOutputs(args: GenerateArgs, result: GenerateResult, model: string) {
  const metadata = {
    prompt: result.prompt, model, seed: result.seed, negativePrompt: args.negativePrompt, steps: args.steps,
    guidance: args.guidance, extra: { expanded_prompt: result.expandedPrompt },
  };
  return writeClipFiles(result.clip, args.output, { preview: args.preview, metadata });
}

function report(args: GenerateArgs, r: GenerateResult, files: { video: string; preview?: string; thumbnail?: string }, precision: string): void {
  const summary = {
    ...files, prompt: r.prompt, expandedPrompt: r.expandedPrompt, unknownWords: r.unknownWords, seed: r.seed,
    frames: r.clip.frames.length, width: r.clip.width, height: r.clip.height, fps: r.clip.fps, precision, timings: r.timings,
    layout: r.layout,
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const lines = [
    `wrote ${files.video} (${summary.frames} frames, ${r.clip.width}×${r.clip.height} model size, ${r.clip.fps} fps, seed ${r.seed})`,
  ];
  if (r.expandedPrompt !== r.prompt) lines.push(`expanded prompt: ${r.expandedPrompt}`);
  if (r.layout) {
    lines.push(`layout: ${r.layout.objects.map((o) => `${o.color} ${o.shape} at (${o.start.join(", ")})`).join("; ")}`);
  }
  if (r.unknownWords.length) lines.push(`words the model does not know (ignored by it): ${r.unknownWords.join(", ")}`);
  if (files.preview) lines.push(`preview ${files.preview}, thumbnail ${files.thumbnail}`);
  lines.push(`took ${Math.round(r.timings.totalMs)} ms (text ${Math.round(r.timings.textMs)}, denoise ${Math.round(r.timings.denoiseMs)}, decode ${Math.round(r.timings.decodeMs)})`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

const DEMO_PROMPTS = [
  "a red ball bouncing at sunset",
  "a yellow star moves to the right under a night sky",
  "a blue square spins on green grass",
];

async function demo(argv: string[]): Promise<void> {
  const at = argv.indexOf("--out");
  const out = at >= 0 ? argv[at + 1] : "out";
  const { mkdirSync } = await import("node:fs");
  mkdirSync(out, { recursive: true });
  process.stdout.write(`sora demo: rendering ${DEMO_PROMPTS.length} clips with the shipped model into ${out}/\n`);
  for (const [i, prompt] of DEMO_PROMPTS.entries()) {
    await generate([prompt, "-o", `${out}/demo-${i + 1}.mp4`, "--seed", String(i + 1), "--preview"]);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "generate") await generate(rest);
    else if (command === "demo") await demo(rest);
    else if (!command || command === "help" || command === "--help" || command === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return command ? 0 : 2;
    } else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`sora: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof RequestError || error instanceof VideoError) {
      process.stderr.write(`sora: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`sora: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
