// The BullMQ processor: the worker obligations of engine/queue/CONTRACTS.md around renderJob — re-validate, honour
// cancels (announced, polled, and already set before the job started), find a clip an earlier attempt stored,
// report progress, classify failures (bad job → no retry; transient → retried), give jobs back on shutdown, record
// run times for ETAs, and log one line per job.
import { WaitingError, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Pipeline } from "../pipeline/types.ts";
import { isCancelRequested, throwIfCancelled } from "../queue/cancel.ts";
import { JobCancelled, parseFailureReason } from "../queue/errors.ts";
import type { ClipJobResult } from "../queue/progress.ts";
import { validateJob, type ClipJob, type JobKind } from "../queue/schema.ts";
import { recordRunTime } from "../queue/stats.ts";
import type { ClipStore } from "../store/index.ts";
import { classify, isPermanent } from "./failures.ts";
import { clipIdForJob } from "../queue/keys.ts";
import { JobProgressReporter, RunEstimates } from "./progress.ts";
import { renderJob } from "./render-job.ts";

export type ClipWorkerJob = Job<ClipJob, ClipJobResult, JobKind>;
export type ClipProcessor = (job: ClipWorkerJob, token?: string, signal?: AbortSignal) => Promise<ClipJobResult>;

export interface ProcessorDeps {
  pipeline: Pipeline;
  store: ClipStore;
  /** For the cancel flag and run times (not a blocking or subscriber connection). */
  redis: Redis;
  prefix: string;
  /** Aborted when the shutdown grace period ends: running jobs stop and go back to the queue. */
  shutdown: AbortSignal;
  log: (line: string) => void;
  estimates?: RunEstimates;
  /** Denoise steps between progress previews (0 = none). */
  previewEvery?: number;
  /** Backstop for a missed cancel announcement (pub/sub messages are lost across a reconnect). */
  cancelPollMs?: number;
}

const CANCEL = "cancel";
const SHUTDOWN = "shutdown";

export function clipProcessor(deps: ProcessorDeps): ClipProcessor {
  const { store, redis, prefix, log } = deps;
  const estimates = deps.estimates ?? new RunEstimates();
  const pollMs = deps.cancelPollMs ?? 1000;

  // Three arguments: BullMQ passes the abort signal (worker.cancelJob) only to processors that declare it.
  return async (job, token, signal) => {
    const jobId = job.id!;
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    const abort = new AbortController();
    const onCancel = () => abort.abort(CANCEL);
    const onShutdown = () => abort.abort(SHUTDOWN);
    signal?.addEventListener("abort", onCancel, { once: true });
    deps.shutdown.addEventListener("abort", onShutdown, { once: true });
    if (deps.shutdown.aborted) onShutdown();
    const poll = setInterval(() => {
      isCancelRequested(redis, prefix, jobId).then((yes) => yes && onCancel(), () => undefined);
    }, pollMs);
    let worked = false;
    const progress = new JobProgressReporter((p) => job.updateProgress(p), estimates);
    try {
      let data: ClipJob;
      try {
        data = validateJob(job.data);
      } catch (err) {
        throw classify(err);
      }
      await throwIfCancelled(redis, prefix, jobId);
      if (abort.signal.aborted) throw new Error("aborted before start");
      const clipId = clipIdForJob(jobId);
      // A retry, or a job taken again after its worker died, whose clip was already stored: done, nothing twice.
      if (await store.getClip(clipId)) {
        log(`job ${jobId} ${data.kind}: clip ${clipId} was already stored (attempt ${job.attemptsStarted})`);
        return { clipId };
      }
      const rec = await renderJob(data, jobId, clipId, {
        pipeline: deps.pipeline, store, progress, signal: abort.signal, previewEvery: deps.previewEvery ?? 0, onWorkStarted: () => (worked = true),
      });
      await progress.flush();
      progress.learn();
      await recordRunTime(redis, prefix, ms());
      log(`job ${jobId} ${data.kind}: stored clip ${rec.id} (${rec.frames.count} frames) in ${ms()} ms`);
      return { clipId: rec.id };
    } catch (err) {
      await progress.flush();
      if (abort.signal.aborted && abort.signal.reason === SHUTDOWN) {
        // Give the job back as it was (no attempt used): another worker, or this one after a restart, renders it.
        await job.moveToWait(token);
        log(`job ${jobId}: shutting down; returned to the queue after ${ms()} ms`);
        throw new WaitingError();
      }
      if (err instanceof JobCancelled || (abort.signal.aborted && (await isCancelRequested(redis, prefix, jobId).catch(() => true)))) {
        log(`job ${jobId}: cancelled after ${ms()} ms`);
        throw new JobCancelled();
      }
      const e = classify(err);
      if (worked) await recordRunTime(redis, prefix, ms()).catch(() => undefined);
      if (isPermanent(e)) log(`job ${jobId}: failed for good: ${parseFailureReason(e.message).reason}`);
      else log(`job ${jobId}: failed (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}), will retry if attempts remain: ${e.message}`);
      throw e;
    } finally {
      clearInterval(poll);
      signal?.removeEventListener("abort", onCancel);
      deps.shutdown.removeEventListener("abort", onShutdown);
    }
  };
}
