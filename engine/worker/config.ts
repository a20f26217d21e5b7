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

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

export function workerTuning(env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  return {
    concurrency: int(env, "SORA_WORKER_CONCURRENCY", 1, 1),
    lockMs: int(env, "SORA_WORKER_LOCK_MS", 30_000, 100),
    stalledMs: int(env, "SORA_WORKER_STALLED_MS", 30_000, 100),
    maxStalled: int(env, "SORA_WORKER_MAX_STALLED", 2, 0),
    graceMs: int(env, "SORA_WORKER_GRACE_MS", 30_000, 0),
    previewEvery: int(env, "SORA_PREVIEW_EVERY", 5, 0),
  };
}
