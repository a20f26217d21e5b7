// The one BullMQ queue and its default job options (retries, retention), shared by the producer and the worker.
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { QUEUE_NAME } from "./keys.ts";
import { RETENTION, RETRY } from "./limits.ts";
import type { ClipJobResult } from "./progress.ts";
import type { ClipJob, JobKind } from "./schema.ts";

export type ClipQueue = Queue<ClipJob, ClipJobResult, JobKind>;

/**
 * Retention: finished jobs stay long enough for status() and for late duplicate events, then BullMQ drops them
 * (evaluated whenever another job finishes; BullMQ runs no timer). Retries: exponential backoff for transient faults;
 * workers throw UnrecoverableError for bad jobs so those fail at once.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: RETRY.attempts,
  backoff: { type: "exponential", delay: RETRY.backoffMs },
  removeOnComplete: { age: RETENTION.completedSeconds, count: RETENTION.completedCount },
  removeOnFail: { age: RETENTION.failedSeconds, count: RETENTION.failedCount },
};

export function openQueue(connection: Redis, prefix: string): ClipQueue {
  return new Queue<ClipJob, ClipJobResult, JobKind>(QUEUE_NAME, {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
}
