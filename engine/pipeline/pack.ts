// Loading a model pack: where it is, which execution provider runs it, and its four ONNX sessions.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { OPTIONAL_PACK_FILES, PACK_FILES, PackError, readManifest, type ModelIndex, type SchedulerConfig } from "./manifest.ts";
import { loadTokenizer, type Tokenizer } from "./tokenizer.ts";

export type Device = "cpu" | "cuda";
/** Which denoiser file runs: "auto" is int8 on the CPU where the pack has it, else fp32. */
export type Precision = "auto" | "fp32" | "int8";

export interface PackOptions {
  /** Pack directory. Default: `SORA_MODEL`, else engine/models/default. */
  modelDir?: string;
  /** Default: `SORA_DEVICE`, else "cpu". */
  device?: Device;
  /** Intra-op threads per session. Default: `SORA_THREADS`, else 1. */
  threads?: number;
  /** Default: `SORA_PRECISION`, else "auto". */
  precision?: Precision;
}

export interface ModelPack {
  dir: string;
  index: ModelIndex;
  scheduler: SchedulerConfig;
  tokenizer: Tokenizer;
  device: Device;
  threads: number;
  /** The denoiser that runs: its int8 copy or the float model. */
  precision: "fp32" | "int8";
  sessions: {
    textEncoder: ort.InferenceSession;
    transformer: ort.InferenceSession;
    vaeEncoder: ort.InferenceSession;
    vaeDecoder: ort.InferenceSession;
  };
  release(): Promise<void>;
}

/** The repository root, found from this file so the default pack does not depend on the process's cwd. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_MODEL_DIR = join(REPO_ROOT, "engine", "models", "default");

/**
 * Option, else `SORA_MODEL`, else engine/models/default. A relative path is taken from the cwd as a shell user
 * expects, and from the repository root when the cwd has no such directory (the bot is often started elsewhere).
 */
export function resolveModelDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = explicit ?? (env.SORA_MODEL && env.SORA_MODEL.trim() !== "" ? env.SORA_MODEL.trim() : undefined);
  if (given === undefined) return DEFAULT_MODEL_DIR;
  if (isAbsolute(given)) return given;
  const fromCwd = resolve(given);
  return existsSync(fromCwd) ? fromCwd : resolve(REPO_ROOT, given);
}

export function resolveDevice(explicit?: string, env: NodeJS.ProcessEnv = process.env): Device {
  const d = (explicit ?? env.SORA_DEVICE ?? "cpu").trim().toLowerCase();
  if (d === "" || d === "cpu") return "cpu";
  if (d === "cuda" || d === "gpu") return "cuda";
  throw new PackError(`unknown device "${d}" (SORA_DEVICE): use "cpu" or "cuda"`);
}

export function resolveThreads(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = explicit ?? (env.SORA_THREADS !== undefined && env.SORA_THREADS.trim() !== "" ? Number(env.SORA_THREADS) : 1);
  if (!Number.isInteger(raw) || raw < 1 || raw > 256) throw new PackError(`threads (SORA_THREADS) must be an integer from 1 to 256, got ${raw}`);
  return raw;
}

export function resolvePrecision(explicit?: string, env: NodeJS.ProcessEnv = process.env): Precision {
  const p = (explicit ?? env.SORA_PRECISION ?? "auto").trim().toLowerCase();
  if (p === "" || p === "auto") return "auto";
  if (p === "fp32" || p === "int8") return p;
  throw new PackError(`unknown precision "${p}" (SORA_PRECISION): use "auto", "fp32" or "int8"`);
}

/** Whether the pack ships the optional int8 copy of its denoiser. */
export function hasInt8Denoiser(dir: string): boolean {
  return existsSync(join(dir, OPTIONAL_PACK_FILES.transformerInt8));
}

/**
 * The denoiser to run. int8 (weight matrices in int8, activations quantized per call) is ~1.4× faster on the CPU
 * and scores the same on the evaluation; onnxruntime runs its integer kernels on the CPU only, so CUDA takes fp32.
 */
export function choosePrecision(wanted: Precision, device: Device, hasInt8: boolean, dir: string): "fp32" | "int8" {
  if (wanted === "fp32") return "fp32";
  if (device === "cuda") {
    if (wanted === "int8") throw new PackError("SORA_PRECISION=int8 runs on the CPU only: use SORA_PRECISION=fp32 (or auto) with SORA_DEVICE=cuda");
    return "fp32";
  }
  if (hasInt8) return "int8";
  if (wanted === "int8") throw new PackError(`model pack ${dir} has no ${OPTIONAL_PACK_FILES.transformerInt8} (make one with engine/train/quantize_int8.py), so SORA_PRECISION=int8 cannot be used`);
  return "fp32";
}

const CUDA_HELP =
  "SORA_DEVICE=cuda needs onnxruntime-node with the CUDA execution provider, which this install does not have. " +
  "Fetch it with `cd node_modules/onnxruntime-node && node script/install.js --onnxruntime-node-install=cuda12` " +
  "(needs network, CUDA 12 and cuDNN 9 on the machine), or run with SORA_DEVICE=cpu.";

/** Where onnxruntime-node keeps its native libraries; the CUDA provider is an optional download beside them. */
function ortBinDir(): string {
  const req = createRequire(import.meta.url);
  const main = req.resolve("onnxruntime-node"); // …/onnxruntime-node/dist/index.js
  return join(dirname(main), "..", "bin", "napi-v6", process.platform, process.arch);
}

export function cudaProviderInstalled(): boolean {
  const lib = process.platform === "win32" ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
  try {
    return existsSync(join(ortBinDir(), lib));
  } catch {
    return false;
  }
}

export function sessionOptions(device: Device, threads: number): ort.InferenceSession.SessionOptions {
  return {
    // No CPU fallback list for cuda: a silent fallback would hide a broken GPU setup behind a 50× slowdown.
    executionProviders: [device === "cuda" ? "cuda" : "cpu"],
    graphOptimizationLevel: "all",
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
  };
}

/** Input and output names each pack model must have (CONTRACTS §5). */
const IO = {
  textEncoder: { inputs: ["input_ids"], outputs: ["hidden_states", "pooled"] },
  transformer: { inputs: ["tokens", "timesteps", "pos", "text_states", "text_mask", "pooled"], outputs: ["velocity"] },
  vaeEncoder: { inputs: ["frames"], outputs: ["latents"] },
  vaeDecoder: { inputs: ["latents"], outputs: ["frames"] },
} as const;

async function openSession(dir: string, key: keyof typeof IO, opts: ort.InferenceSession.SessionOptions, device: Device, file: string = PACK_FILES[key], extraInputs: string[] = []): Promise<ort.InferenceSession> {
  const path = join(dir, file);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, opts);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (device === "cuda") throw new PackError(`${CUDA_HELP}\n(onnxruntime said: ${msg})`);
    throw new PackError(`cannot load ${path}: ${msg}`);
  }
  const want = { inputs: [...IO[key].inputs, ...extraInputs], outputs: IO[key].outputs };
  const missingIn = want.inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = want.outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length + missingOut.length > 0) {
    await session.release();
    throw new PackError(
      `${path} does not follow CONTRACTS §5: inputs [${session.inputNames.join(", ")}], outputs [${session.outputNames.join(", ")}]; ` +
        `expected inputs [${want.inputs.join(", ")}] and outputs [${want.outputs.join(", ")}]`,
    );
  }
  return session;
}

export async function loadPack(options: PackOptions = {}): Promise<ModelPack> {
  const dir = resolveModelDir(options.modelDir);
  const device = resolveDevice(options.device);
  const threads = resolveThreads(options.threads);
  const wanted = resolvePrecision(options.precision);
  if (device === "cuda" && !cudaProviderInstalled()) throw new PackError(CUDA_HELP);
  const { index, scheduler } = readManifest(dir);
  const precision = choosePrecision(wanted, device, hasInt8Denoiser(dir), dir);
  const tokenizer = loadTokenizer(join(dir, "tokenizer"));

  const opts = sessionOptions(device, threads);
  const opened: ort.InferenceSession[] = [];
  try {
    // One at a time: the text encoder failing on a bad provider should not leave three sessions half-built.
    const textEncoder = await openSession(dir, "textEncoder", opts, device);
    opened.push(textEncoder);
    // A denoiser with a layout input (CONTRACTS §8) must have it; older packs run without.
    const transformer = await openSession(dir, "transformer", opts, device, precision === "int8" ? OPTIONAL_PACK_FILES.transformerInt8 : PACK_FILES.transformer,
      index.layout ? ["layout"] : []);
    opened.push(transformer);
    const vaeEncoder = await openSession(dir, "vaeEncoder", opts, device);
    opened.push(vaeEncoder);
    const vaeDecoder = await openSession(dir, "vaeDecoder", opts, device);
    opened.push(vaeDecoder);
    return {
      dir, index, scheduler, tokenizer, device, threads, precision,
      sessions: { textEncoder, transformer, vaeEncoder, vaeDecoder },
      release: async () => {
        await Promise.all(opened.map((s) => s.release()));
      },
    };
  } catch (e) {
    await Promise.all(opened.map((s) => s.release().catch(() => undefined)));
    throw e;
  }
}
