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
    /** An admission's fairness round, from admission until its job is in BullMQ (admit.ts, Producer). */
    pending: (jobId: string) => `${base}:pending:${jobId}`,
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

/** One person across servers: user ids are only unique within their origin's namespace (origin.platform). */
export function userKey(platform: string, userId: string): string {
  return `${platform}/${userId}`;
}

/**
 * BullMQ job id for a request: readable when the event id is plain (`<namespace>-1234`), else a hash. BullMQ forbids
 * ':' and all-digit ids; the namespace prefix keeps both rules and keeps the ids of different origins apart.
 */
export function jobIdForEvent(platform: string, eventId: string): string {
  if (/^[A-Za-z0-9_.-]{1,100}$/.test(eventId)) return `${platform}-${eventId}`;
  return `${platform}-h${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`;
}

/**
 * A job's clip id is a function of its job id: a retried job, or one taken again after its worker crashed, looks up
 * this id first and finds the clip an earlier attempt stored, instead of rendering and storing a second one. So can
 * anyone following the job after the queue forgot it. Clip ids allow letters, digits, _ and - (engine/store/naming.ts);
 * job ids may also hold dots.
 */
export function clipIdForJob(jobId: string): string {
  if (/^[A-Za-z0-9_-]{1,190}$/.test(jobId)) return `clip_${jobId}`;
  // Job ids always start with "<namespace>-", so a hashed id ("clip_h…") can never equal a plain one.
  return `clip_h${createHash("sha256").update(jobId).digest("hex").slice(0, 40)}`;
}
