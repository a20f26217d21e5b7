// The engine worker: loads the model once per process (inference in the pipeline's worker thread, so this event loop
// stays free to renew BullMQ job locks), takes clip jobs off the queue, renders, stores, and reports. Cancels
// announced by producers abort the matching running job at once. See processor.ts for what happens per job.
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { loadPipeline, type PipelineInfo } from "../pipeline/index.ts";
import { watchCancels } from "../queue/cancel.ts";
import { connectRedis } from "../queue/connection.ts";
import { QUEUE_NAME, queuePrefix } from "../queue/keys.ts";
import { PARAM_LIMITS } from "../queue/limits.ts";
import type { ClipJobResult } from "../queue/progress.ts";
import type { ClipJob, JobKind } from "../queue/schema.ts";
import type { ClipStore } from "../store/index.ts";
import { workerTuning } from "./config.ts";
import { clipProcessor } from "./processor.ts";
import { scheduleRetention } from "./retention.ts";

export interface EngineWorkerOptions {
  /** Default: REDIS_URL or redis://127.0.0.1:6379 (engine/queue connectRedis). */
  redis?: Redis | string;
  /** BullMQ prefix (tests use a unique one); same default as engine/queue. */
  prefix?: string;
  store: ClipStore;
  /** Jobs rendered at once; default env SORA_WORKER_CONCURRENCY or 1. */
  concurrency?: number;
  /** Passed to loadPipeline. */
  modelDir?: string;
  device?: "cpu" | "cuda";
  threads?: number;
  log?: (line: string) => void;
}

export interface EngineWorker {
  readonly info: PipelineInfo;
  /** Graceful: stop taking jobs, let the running ones finish (or, after a grace period, give them back to the queue), release the model. */
  close(): Promise<void>;
}

export { clipIdForJob } from "../queue/keys.ts";
export { workerTuning, type WorkerTuning } from "./config.ts";

export async function startEngineWorker(opts: EngineWorkerOptions): Promise<EngineWorker> {
  const log = opts.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const tuning = workerTuning();
  const prefix = opts.prefix ?? queuePrefix();
  const ownsRedis = typeof opts.redis !== "object";
  const redis = typeof opts.redis === "object" ? opts.redis : connectRedis(opts.redis);
  // Subscriber mode takes a connection for itself.
  const subscriber = redis.duplicate();
  const onRedisError = warnOnChange(log);
  if (ownsRedis) redis.on("error", onRedisError);
  subscriber.on("error", onRedisError);

  // Clips up to the product's limit: above one model pass the pipeline extends in chunks.
  const pipeline = await loadPipeline({
    modelDir: opts.modelDir, device: opts.device, threads: opts.threads, maxSeconds: PARAM_LIMITS.seconds.max,
  }).catch(async (err) => {
    subscriber.disconnect();
    if (ownsRedis) redis.disconnect();
    throw err;
  });

  const shutdown = new AbortController();
  const processor = clipProcessor({
    pipeline, store: opts.store, redis, prefix, shutdown: shutdown.signal, log, previewEvery: tuning.previewEvery,
  });
  const worker = new Worker<ClipJob, ClipJobResult, JobKind>(QUEUE_NAME, processor, {
    connection: redis,
    prefix,
    concurrency: opts.concurrency ?? tuning.concurrency,
    autorun: false,
    lockDuration: tuning.lockMs,
    stalledInterval: tuning.stalledMs,
    maxStalledCount: tuning.maxStalled,
  });
  worker.on("error", (err) => onRedisError(err));
  worker.on("stalled", (jobId) => log(`job ${jobId}: its worker stopped renewing the lock; back in the queue`));

  const stopWatching = await watchCancels(subscriber, prefix, (jobId) => {
    worker.cancelJob(jobId, "cancel");
  });
  const running = worker.run().catch((err: Error) => log(`worker loop ended: ${err.message}`));
  const retention = scheduleRetention({ store: opts.store, redis, prefix, log });
  await worker.waitUntilReady();
  log(`ready: model ${pipeline.info.name} on ${pipeline.info.device} (${pipeline.info.precision}), queue ${prefix}:${QUEUE_NAME}, ` +
    `${worker.concurrency} slot(s), lock ${tuning.lockMs} ms, stalled check every ${tuning.stalledMs} ms`);

  let closing: Promise<void> | undefined;
  return {
    info: pipeline.info,
    close() {
      closing ??= (async () => {
        // After the grace period, running jobs are aborted and handed back to the queue (processor.ts).
        retention.stop();
        const timer = setTimeout(() => shutdown.abort(), tuning.graceMs);
        try {
          await worker.close();
          await running;
        } finally {
          clearTimeout(timer);
        }
        await stopWatching().catch(() => undefined);
        subscriber.disconnect();
        await pipeline.close();
        if (ownsRedis) await redis.quit().catch(() => redis.disconnect());
        log("closed");
      })();
      return closing;
    },
  };
}

/** Redis errors repeat every retry while it is down: log each distinct message once. */
function warnOnChange(log: (line: string) => void): (err: Error) => void {
  let last = "";
  return (err) => {
    if (err.message === last) return;
    last = err.message;
    log(`redis: ${err.message}`);
  };
}
