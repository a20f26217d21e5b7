// The worker's side of cancellation. A producer in another process cannot stop a running job directly, so it sets
// a flag in Redis and announces it on a channel; the worker aborts on the announcement (immediate) and also checks
// the flag between steps (covers a missed message, e.g. across a reconnect). Stopping means throwing JobCancelled,
// which fails the BullMQ job without retries and reads as `cancelled` in status() and events.
import type { Redis } from "ioredis";
import { JobCancelled } from "./errors.ts";
import { ownKeys } from "./keys.ts";

export async function isCancelRequested(redis: Redis, prefix: string, jobId: string): Promise<boolean> {
  return (await redis.exists(ownKeys(prefix).cancel(jobId))) === 1;
}

/** Call between pipeline steps; throws JobCancelled when the job was cancelled. */
export async function throwIfCancelled(redis: Redis, prefix: string, jobId: string): Promise<void> {
  if (await isCancelRequested(redis, prefix, jobId)) throw new JobCancelled();
}

/**
 * Calls `onCancel(jobId)` for every cancel announced from now on (e.g. `(id) => worker.cancelJob(id)`, which aborts
 * the processor's AbortSignal). `subscriber` is put in subscriber mode, so give it a dedicated connection.
 * Returns a function that stops listening.
 */
export async function watchCancels(
  subscriber: Redis,
  prefix: string,
  onCancel: (jobId: string) => void,
): Promise<() => Promise<void>> {
  const channel = ownKeys(prefix).cancelChannel;
  const listener = (ch: string, message: string) => {
    if (ch === channel) onCancel(message);
  };
  subscriber.on("message", listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off("message", listener);
    await subscriber.unsubscribe(channel);
  };
}
