// Reading and checking a model pack's JSON files (CONTRACTS §5) before any ONNX session is built, so a wrong or
// half-copied pack fails with a message that names the file and the field rather than deep inside onnxruntime.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AspectRatio } from "../types.ts";
import { ASPECT_RATIOS } from "../types.ts";
import { layoutMismatch, type LayoutSpec } from "./layout.ts";

export const FORMAT_VERSION = 1;

export interface ModelIndex {
  _class_name: string;
  format_version: number;
  name: string;
  fps: number;
  default_frames: number;
  max_frames: number;
  sizes: Record<AspectRatio, [number, number]>; // [width, height]
  vae_scale_factor: number;
  patch_size: [number, number, number];
  latent_channels: number;
  latent_mean: number[];
  latent_std: number[];
  hidden_size: number;
  text_hidden_size: number;
  pos_embed: { type: string; theta: number };
  /** The denoiser's layout input (CONTRACTS §8); null or absent in packs without one. */
  layout?: LayoutSpec | null;
}

export interface SchedulerConfig {
  _class_name: string;
  shift: number;
  default_steps: number;
  default_guidance: number;
}

/** The pack's files, relative to its directory. */
export const PACK_FILES = {
  index: "model_index.json",
  scheduler: "scheduler/scheduler_config.json",
  vocab: "tokenizer/vocab.json",
  tokenizerConfig: "tokenizer/tokenizer_config.json",
  textEncoder: "text_encoder/model.onnx",
  transformer: "transformer/model.onnx",
  vaeEncoder: "vae_encoder/model.onnx",
  vaeDecoder: "vae_decoder/model.onnx",
} as const;

/** Files a pack may have; the pipeline uses each where present. */
export const OPTIONAL_PACK_FILES = {
  /** The denoiser with int8 weight matrices (engine/train/quantize_int8.py), preferred on the CPU. */
  transformerInt8: "transformer/model.int8.onnx",
} as const;

export class PackError extends Error {
  override name = "PackError";
}

function readJson(dir: string, rel: string): Record<string, unknown> {
  const text = readFileSync(join(dir, rel), "utf8");
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new PackError(`model pack ${dir}: ${rel} is not valid JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new PackError(`model pack ${dir}: ${rel} must hold a JSON object`);
  return v as Record<string, unknown>;
}

const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isNumArray = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** Check that every file exists and the JSON matches the contract; returns the parsed manifest. */
export function readManifest(dir: string): { index: ModelIndex; scheduler: SchedulerConfig } {
  if (!existsSync(dir)) {
    throw new PackError(`model pack not found: ${dir} (set SORA_MODEL or pass modelDir; the trained pack lives in engine/models/default)`);
  }
  const missing = Object.values(PACK_FILES).filter((rel) => !existsSync(join(dir, rel)));
  if (missing.length > 0) throw new PackError(`model pack ${dir} is incomplete; missing: ${missing.join(", ")}`);

  const idx = readJson(dir, PACK_FILES.index);
  const bad = (field: string, want: string): never => {
    throw new PackError(`model pack ${dir}: ${PACK_FILES.index} field "${field}" must be ${want}, got ${JSON.stringify(idx[field])}`);
  };
  if (idx.format_version !== FORMAT_VERSION) {
    throw new PackError(
      `model pack ${dir} has format_version ${JSON.stringify(idx.format_version)}; this engine reads format_version ${FORMAT_VERSION}. ` +
        `Re-export the pack with engine/train/export.py from this version of the repository.`,
    );
  }
  for (const f of ["fps", "default_frames", "max_frames", "vae_scale_factor", "latent_channels", "hidden_size", "text_hidden_size"]) {
    if (!isPosInt(idx[f])) bad(f, "a positive integer");
  }
  const C = idx.latent_channels as number;
  if (!isNumArray(idx.latent_mean, C)) bad("latent_mean", `${C} numbers`);
  if (!isNumArray(idx.latent_std, C) || (idx.latent_std as number[]).some((s) => !(s > 0))) bad("latent_std", `${C} positive numbers`);
  if (!isNumArray(idx.patch_size, 3) || (idx.patch_size as number[]).join() !== "1,2,2") bad("patch_size", "[1, 2, 2]");
  if ((idx.default_frames as number) > (idx.max_frames as number)) bad("default_frames", "at most max_frames");
  const sizes = idx.sizes as Record<string, unknown> | undefined;
  if (!sizes || typeof sizes !== "object") bad("sizes", "an object of [width, height] per aspect");
  const cell = (idx.vae_scale_factor as number) * 2; // the VAE's ÷8 and then the 2×2 patch
  for (const a of ASPECT_RATIOS) {
    const wh = sizes![a];
    if (!isNumArray(wh, 2) || !wh.every((v) => isPosInt(v) && v % cell === 0)) bad("sizes", `[width, height] multiples of ${cell} for "${a}"`);
  }
  const pe = idx.pos_embed as { type?: unknown; theta?: unknown } | undefined;
  if (!pe || pe.type !== "sincos3d" || !(typeof pe.theta === "number" && pe.theta > 0)) bad("pos_embed", `{ "type": "sincos3d", "theta": > 0 }`);
  if (Math.floor((idx.hidden_size as number) / 6) < 1) bad("hidden_size", "at least 6");
  if (idx.layout !== undefined && idx.layout !== null) {
    const why = typeof idx.layout === "object" ? layoutMismatch(idx.layout as LayoutSpec, cell) : "not an object";
    if (why) bad("layout", `null or this engine's layout (${why})`);
  }

  const sch = readJson(dir, PACK_FILES.scheduler);
  const sbad = (field: string, want: string): never => {
    throw new PackError(`model pack ${dir}: ${PACK_FILES.scheduler} field "${field}" must be ${want}, got ${JSON.stringify(sch[field])}`);
  };
  if (!(typeof sch.shift === "number" && sch.shift > 0)) sbad("shift", "a positive number");
  if (!isPosInt(sch.default_steps)) sbad("default_steps", "a positive integer");
  if (!(typeof sch.default_guidance === "number" && sch.default_guidance >= 0)) sbad("default_guidance", "a number ≥ 0");

  return {
    index: { ...(idx as unknown as ModelIndex), name: typeof idx.name === "string" ? idx.name : "unnamed" },
    scheduler: sch as unknown as SchedulerConfig,
  };
}
