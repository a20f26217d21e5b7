import { readSetting, setting } from "../config/settings.ts";

// Worker tuning from the environment, read once at start. Every value has a default that suits one GPU (or CPU) host;
// tests shorten the lock and stalled intervals so crash recovery takes seconds instead of a minute.

export interface WorkerTuning {
  /** Jobs rendered at once (SORA_WORKER_CONCURRENCY, default 1). The model runs one generation at a time anyway;
   *  a second slot overlaps one job's ffmpeg encode and store with the next job's denoising. */
  concurrency: number;
  /** How long a job's lock lives without renewal (SORA_WORKER_LOCK_MS, default 30 s). A crashed worker's job is
   *  taken again once its lock has expired and a stalled check has seen it. */
  lockMs: number;
  /** Time between stalled-job checks (SORA_WORKER_STALLED_MS, default 30 s). */
  stalledMs: number;
  /** Stalls a job may survive before it fails (SORA_WORKER_MAX_STALLED, default 2): a job that kills its worker
   *  every time (out of memory) must not crash-loop the fleet forever, but one unlucky restart is forgiven. */
  maxStalled: number;
  /** On shutdown, how long running jobs may take to finish before they are given back to the queue
   *  (SORA_WORKER_GRACE_MS, default 30 s; docker stop's default is 10 s, so compose files raise stop_grace_period). */
  graceMs: number;
  /** A progress preview (the model's current guess of the middle frame) every this many denoise steps
   *  (SORA_PREVIEW_EVERY, default 5; 0 = none). Each costs a one-frame VAE decode and a small PNG in the store. */
  previewEvery: number;
}

const CONCURRENCY = setting({ name: "SORA_WORKER_CONCURRENCY", default: 1, min: 1, about: "jobs one engine worker renders at once" });
const LOCK_MS = setting({ name: "SORA_WORKER_LOCK_MS", default: 30_000, min: 100, about: "a running job's lock without renewal, in ms (a crashed worker's job is retaken after it)" });
const STALLED_MS = setting({ name: "SORA_WORKER_STALLED_MS", default: 30_000, min: 100, about: "time between stalled-job checks, in ms" });
const MAX_STALLED = setting({ name: "SORA_WORKER_MAX_STALLED", default: 2, min: 0, about: "worker crashes one job may survive before it fails" });
const GRACE_MS = setting({ name: "SORA_WORKER_GRACE_MS", default: 30_000, min: 0, about: "on shutdown, how long running jobs may finish before they go back to the queue, in ms" });
const PREVIEW_EVERY = setting({ name: "SORA_PREVIEW_EVERY", default: 5, min: 0, about: "a progress preview every this many denoise steps (0: none)" });

export function workerTuning(env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  return {
    concurrency: readSetting(CONCURRENCY, env),
    lockMs: readSetting(LOCK_MS, env),
    stalledMs: readSetting(STALLED_MS, env),
    maxStalled: readSetting(MAX_STALLED, env),
    graceMs: readSetting(GRACE_MS, env),
    previewEvery: readSetting(PREVIEW_EVERY, env),
  };
}
