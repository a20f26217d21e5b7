// For the platform-limit tests: a BullMQ worker on the real queue that stores a prepared video as every job's clip,
// so upload sizes are exact and no model runs (the end-to-end tests use the real engine worker). It reports progress
// like the engine does and can hold a job until the test lets it go.
import { readFile } from "node:fs/promises";
import { Worker } from "bullmq";
import { connectRedis } from "../../engine/queue/connection.ts";
import { QUEUE_NAME } from "../../engine/queue/keys.ts";
import type { ClipJobResult, JobProgress } from "../../engine/queue/progress.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { encodeMp4 } from "../../engine/video/index.ts";

export interface StubWorker {
  /** Hold jobs after their first progress report until release(). */
  hold: boolean;
  /** Lets held jobs go, including one that reaches the hold only after this call (its progress event can arrive
   *  before its own await returns). */
  release(): void;
  close(): Promise<void>;
}

export function startStubWorker(prefix: string, store: ClipStore, video: Buffer, opts: { preview?: Buffer } = {}): StubWorker {
  let open!: () => void;
  const released = new Promise<void>((r) => (open = r));
  const stub: StubWorker = { hold: false, release: () => open(), close: () => worker.close() };
  const worker = new Worker<ClipJob, ClipJobResult>(QUEUE_NAME, async (job) => {
    const progress: JobProgress = { stage: "denoise", step: 1, steps: 2, etaSeconds: 1 };
    if (opts.preview) progress.previewRef = await store.putBlob(opts.preview, "png", "preview");
    await job.updateProgress(progress);
    if (stub.hold) await released;
    await job.updateProgress({ ...progress, step: 2, etaSeconds: 0 });
    const d = job.data;
    const rec = await store.putClip({
      // Store ids are letters, digits, _ and -; a Slack job id carries the trigger id's dots.
      id: `clip_${job.id!.replace(/[^A-Za-z0-9_-]/g, "_")}`, kind: d.kind, prompt: d.prompt, expandedPrompt: d.prompt, seed: 1, origin: d.origin,
      // The clips a connect or a chosen stitch named, kept where a test can read them back.
      params: { stub: true, ...(d.otherClipId ? { otherClipId: d.otherClipId } : {}), ...(d.parts ? { parts: d.parts } : {}) },
      frames: { width: 96, height: 96, fps: 8, count: 16 }, ...(d.parentClipId ? { parentId: d.parentClipId } : {}),
    }, { video: { data: video, ext: "mp4" } });
    return { clipId: rec.id };
  }, { connection: connectRedis(), prefix });
  return stub;
}

/** 16 frames of 96×96 noise: noise does not compress, so the MP4 is tens of kilobytes, deterministic. */
export async function noiseVideo(file: string): Promise<Buffer> {
  const W = 96, H = 96;
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const frames = Array.from({ length: 16 }, () => ({ width: W, height: H, data: Uint8Array.from({ length: W * H * 3 }, () => Math.floor(rnd() * 256)) }));
  await encodeMp4({ width: W, height: H, fps: 8, frames }, file, { scale: 1 });
  return readFile(file);
}
