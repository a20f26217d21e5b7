// What a worker reports while a job runs (job.updateProgress) and returns when it ends. Plain data: it crosses Redis.
import type { Progress } from "../pipeline/types.ts";

/** Pipeline stages, plus the worker's own: loading conditioning media, encoding the MP4, storing the clip. */
export type ProgressStage = Progress["stage"] | "prepare" | "encode" | "store";

export interface JobProgress {
  stage: ProgressStage;
  step: number;
  steps: number;
  /** Seconds until the clip is done, as the worker estimates it. */
  etaSeconds?: number;
  /** Blob key of the latest preview image in the clip store. */
  previewRef?: string;
}

/** A finished job's return value. */
export interface ClipJobResult {
  clipId: string;
}

const STAGES = new Set<string>(["text", "denoise", "decode", "prepare", "encode", "store"]);

/** Progress as read back from Redis, or undefined if a worker wrote something else (a bare number, an old shape). */
export function asJobProgress(x: unknown): JobProgress | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const p = x as Record<string, unknown>;
  if (typeof p.stage !== "string" || !STAGES.has(p.stage)) return undefined;
  if (typeof p.step !== "number" || typeof p.steps !== "number") return undefined;
  return {
    stage: p.stage as ProgressStage,
    step: p.step,
    steps: p.steps,
    ...(typeof p.etaSeconds === "number" ? { etaSeconds: p.etaSeconds } : {}),
    ...(typeof p.previewRef === "string" ? { previewRef: p.previewRef } : {}),
  };
}

export function asClipJobResult(x: unknown): ClipJobResult | undefined {
  if (typeof x === "string") {
    try {
      x = JSON.parse(x);
    } catch {
      return undefined;
    }
  }
  if (typeof x !== "object" || x === null) return undefined;
  const r = x as Record<string, unknown>;
  return typeof r.clipId === "string" ? { clipId: r.clipId } : undefined;
}
