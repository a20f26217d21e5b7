// Names of everything the job system keeps in Redis, in one place so producers, workers and tests agree.
import { createHash } from "node:crypto";

export const QUEUE_NAME = "clips";

export function queuePrefix(): string {
  return process.env.SORA_QUEUE_PREFIX || "sora";
}

/** Our own keys live beside BullMQ's (`<prefix>:clips:*`) under `<prefix>:clips:x:*`, so one prefix scopes a deployment. */
export function ownKeys(prefix: string) {
  const base = `${prefix}:${QUEUE_NAME}:x`;
  return {
    /** eventId → jobId (idempotency). */
    event: (jobId: string) => `${base}:event:${jobId}`,
    /** Sliding-window logs (zsets of admission times). */
    rateUser: (userKey: string) => `${base}:rate:user:${userKey}`,
    rateServer: (serverKey: string) => `${base}:rate:server:${serverKey}`,
    /** Hash: user → the fairness round of their last admitted job. */
    fairLast: `${base}:fair:last`,
    /** Zset per user: their job ids by admission time (for queueInfo); pruned as jobs finish. */
    userJobs: (userKey: string) => `${base}:user:${userKey}:jobs`,
    /** Set while a cancel for that job is pending or done. */
    cancel: (jobId: string) => `${base}:cancel:${jobId}`,
    /** Pub/sub channel announcing cancels, so a worker can abort at once instead of at its next poll. */
    cancelChannel: `${base}:cancel`,
    /** List of recent run times in ms, newest first. */
    runTimes: `${base}:stats:runms`,
  };
}

/** One person across servers: platform user ids are only unique within a platform. */
export function userKey(platform: string, userId: string): string {
  return `${platform}/${userId}`;
}

/**
 * BullMQ job id for a platform event: readable when the event id is plain (`discord-1234`), else a hash. BullMQ
 * forbids ':' and all-digit ids; the platform prefix keeps both rules and keeps platforms' ids apart.
 */
export function jobIdForEvent(platform: string, eventId: string): string {
  if (/^[A-Za-z0-9_.-]{1,100}$/.test(eventId)) return `${platform}-${eventId}`;
  return `${platform}-h${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`;
}
