// Recent run times, kept in Redis so every producer's ETA agrees. Workers record each finished job's run time;
// producers average the most recent ones. A plain mean of the last N is enough: it follows a model or hardware
// change within N jobs and needs no tuning.
import type { Redis } from "ioredis";
import { ownKeys } from "./keys.ts";

/** How many run times are kept and averaged. */
export const RUN_TIME_WINDOW = 20;

/** Used until the first job has finished: a clip of a few seconds on a small model. */
export const DEFAULT_RUN_MS = 60_000;

/** Called by the worker when a job finishes (completed or failed after running), with wall time in ms. */
export async function recordRunTime(redis: Redis, prefix: string, ms: number): Promise<void> {
  if (!Number.isFinite(ms) || ms < 0) return;
  const key = ownKeys(prefix).runTimes;
  await redis.multi().lpush(key, Math.round(ms)).ltrim(key, 0, RUN_TIME_WINDOW - 1).exec();
}

/** Mean of the recent run times, or `fallbackMs` when none is recorded yet. */
export async function averageRunMs(redis: Redis, prefix: string, fallbackMs = DEFAULT_RUN_MS): Promise<number> {
  const xs = (await redis.lrange(ownKeys(prefix).runTimes, 0, RUN_TIME_WINDOW - 1)).map(Number).filter(Number.isFinite);
  if (xs.length === 0) return fallbackMs;
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Seconds until a waiting job finishes: the `ahead` jobs before it clear `slots` at a time, then it runs itself.
 * Ignores how far the running jobs already are (on average half done), so it errs late, which users forgive.
 */
export function etaSeconds(ahead: number, slots: number, avgRunMs: number): number {
  const runs = Math.floor(ahead / Math.max(1, slots)) + 1;
  return Math.ceil((runs * avgRunMs) / 1000);
}
