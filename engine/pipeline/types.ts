// The pipeline's public types (CONTRACTS §7). Plain data only, so requests and results cross a worker boundary.
import type { AspectRatio, Clip, RgbFrame } from "../types.ts";
import type { LayoutSummary } from "./layout.ts";

export type Condition =
  | { kind: "animate"; image: RgbFrame }
  | { kind: "extend"; parent: Clip; direction: "forward" | "backward"; overlap?: number }
  | { kind: "interpolate"; a: Clip | RgbFrame; b: Clip | RgbFrame }
  | { kind: "loop" }
  | { kind: "remix"; parent: Clip; strength: number };

export interface Progress {
  stage: "text" | "denoise" | "decode";
  step: number;
  steps: number;
  /** On denoise steps that are a multiple of `previewEvery`: the model's current guess of the middle frame. */
  preview?: RgbFrame;
}

export interface GenerateRequest {
  prompt: string;
  negativePrompt?: string;
  /** 0 … 2³²−1; random when absent (the result says which was used). */
  seed?: number;
  steps?: number;
  guidance?: number;
  /** Default: the conditioning media's aspect when there is one, else "1:1". */
  aspect?: AspectRatio;
  /**
   * Frames the model makes. generate / animate / loop: the clip's length. extend: new frames added to the parent.
   * interpolate: frames between a and b. remix: must be the parent's length (the default).
   */
  frames?: number;
  /** Prompt expansion (default true). */
  expand?: boolean;
  /**
   * The layout input (CONTRACTS §8), where the pack has one (default true): the objects of the rewritten prompt's
   * scene placed on every frame. false runs the denoiser without it (`--layout off`). Used for text-to-video and
   * loops; a prompt the rewrite does not read, and image-to-video, extend, interpolate and remix, run without one.
   */
  layout?: boolean;
  /**
   * The expanded prompt of the clip this render continues (extend, remix, interpolate, loop of a clip): the rewrite
   * fills what the new prompt leaves unsaid from that clip's scene, so "now it moves left" keeps its blue star on grass.
   */
  parentPrompt?: string;
  /**
   * A preview every this many denoise steps (0 or absent: none). Each costs one single-frame VAE decode, about
   * 1/17 of the final decode, so every 4–5 steps adds a few percent to a clip.
   */
  previewEvery?: number;
  condition?: Condition;
  onProgress?: (p: Progress) => void;
  /**
   * Aborting stops the generation at its next step (denoise or decode) and generate rejects with GenerateAborted;
   * a request still queued behind another never starts. The engine worker uses it to cancel a running job.
   */
  signal?: AbortSignal;
}

export interface Timings {
  textMs: number;
  /** VAE encoding of conditioning frames (0 when there are none). */
  encodeMs: number;
  denoiseMs: number;
  decodeMs: number;
  totalMs: number;
}

export interface GenerateResult {
  clip: Clip;
  prompt: string;
  expandedPrompt: string;
  unknownWords: string[];
  seed: number;
  timings: Timings;
  /** The objects the layout input placed, or null when the denoiser ran without one. */
  layout: LayoutSummary | null;
}

export interface LoadPipelineOptions {
  modelDir?: string;
  device?: "cpu" | "cuda";
  threads?: number;
  /** Which denoiser runs (pack.ts resolvePrecision): default `SORA_PRECISION`, else "auto" (int8 on the CPU where the pack has it). */
  precision?: "auto" | "fp32" | "int8";
  /**
   * Most frames one request may ask for. Above the pack's `max_frames` a clip is made in chunks, each extending the
   * last. Default: the pack's `max_frames` (no chunking unless the caller opts in).
   */
  maxFrames?: number;
  /** The same limit in seconds at the pack's fps; `maxFrames` wins when both are given. */
  maxSeconds?: number;
  /**
   * Longest silence of the model thread while it works (one onnxruntime call), in ms; default SORA_INFERENCE_TIMEOUT_MS,
   * read at each call. Past it the request fails with InferenceTimeoutError and the thread is replaced.
   */
  callTimeoutMs?: number;
}

/** What a loaded pipeline can do, for callers that build requests (sizes, limits, defaults). */
export interface PipelineInfo {
  modelDir: string;
  name: string;
  device: "cpu" | "cuda";
  threads: number;
  /** The denoiser that runs. */
  precision: "fp32" | "int8";
  fps: number;
  sizes: Record<AspectRatio, [number, number]>;
  defaultFrames: number;
  /** Frames in one pass of the model. */
  passFrames: number;
  /** Frames one request may ask for (≥ passFrames when chunking is enabled). */
  maxFrames: number;
  defaultSteps: number;
  defaultGuidance: number;
  vocabularySize: number;
  /** Whether the pack's denoiser takes the layout input (CONTRACTS §8). */
  layout: boolean;
}

export interface Pipeline {
  readonly info: PipelineInfo;
  generate(req: GenerateRequest): Promise<GenerateResult>;
  /** Prompt expansion alone, as generate would do it (for previews and `/sora` replies). */
  expand(prompt: string): Promise<{ expandedPrompt: string; unknownWords: string[] }>;
  close(): Promise<void>;
}

/** A generation stopped through its request's `signal`. */
export class GenerateAborted extends Error {
  override name = "GenerateAborted";
  constructor() {
    super("generation aborted");
  }
}

/** Raised for requests that cannot be run as given; the message is safe to show to the person who asked. */
export class RequestError extends Error {
  override name = "RequestError";
}

/**
 * One onnxruntime call ran past its wall-clock limit (SORA_INFERENCE_TIMEOUT_MS). The model thread was given up and a
 * fresh one loaded, so the pipeline keeps serving; the request that stalled fails with this.
 */
export class InferenceTimeoutError extends Error {
  override name = "InferenceTimeoutError";
}
