// The producer API every adapter uses (via commands/): enqueue, cancel, status, queueInfo. Safe to run in many
// processes at once: every decision that must be shared (duplicates, rate limits, fairness) is made inside Redis.
import type { Redis } from "ioredis";
import { admit, unadmit, type AdmitKeys } from "./admit.ts";
import { connectRedis } from "./connection.ts";
import { mayManage, type Actor } from "./identity.ts";
import { JobValidationError, NotAllowed, parseFailureReason, QueueUnavailable, RateLimited, CANCELLED_REASON } from "./errors.ts";
import { jobIdForEvent, ownKeys, queuePrefix, userKey } from "./keys.ts";
import { rateLimitsFromEnv, RETENTION, type RateLimits } from "./limits.ts";
import { asClipJobResult, asJobProgress, type JobProgress } from "./progress.ts";
import { openQueue, type ClipQueue } from "./queue.ts";
import type { ClipRecord, ClipStore } from "../store/types.ts";
import { validateJob, type ClipJob } from "./schema.ts";
import { averageRunMs, DEFAULT_RUN_MS, etaSeconds } from "./stats.ts";

/**
 * An admission still pending after this long is one whose process stopped before `queue.add` (duplicateOf): far
 * beyond a request's deadline (deadlineMs), so an add still in flight is never raced.
 */
export const ORPHANED_AFTER_MS = 60_000;

export interface ProducerOptions {
  /** A client to share; the producer then does not close it. Default: a new client on REDIS_URL. */
  redis?: Redis;
  /** Key prefix (default SORA_QUEUE_PREFIX or "sora"). */
  prefix?: string;
  rateLimits?: RateLimits;
  /** When given, jobs naming a clip or image the store lacks are refused before they are queued. */
  store?: Pick<ClipStore, "getClip" | "hasBlob">;
  /** Jobs the workers run at once in total (for ETAs; the number running now is used when larger). Default 1. */
  workerSlots?: number;
  /** Run time assumed before any is recorded. */
  defaultRunMs?: number;
  /**
   * Connection errors (Redis down or restarting). Default: a warning on stderr each time the message changes.
   */
  onError?: (err: Error) => void;
  /**
   * Longest a request may wait for Redis, in ms (default 5000). While Redis is disconnected every request fails at
   * once with QueueUnavailable; a connected Redis that does not answer in time fails it too. Nobody is left waiting.
   */
  deadlineMs?: number;
}

export interface EnqueueResult {
  jobId: string;
  /** Jobs ahead of this one (0: next to start); undefined once it is no longer waiting. */
  position?: number;
  /** Seconds until the clip should be done. */
  etaSeconds?: number;
  /** True when this event was already enqueued: nothing new was queued and no rate-limit slot was used. */
  duplicate: boolean;
}

export type JobStateName = "waiting" | "running" | "completed" | "failed" | "cancelled" | "unknown";

export interface JobStatus {
  jobId: string;
  state: JobStateName;
  position?: number;
  etaSeconds?: number;
  progress?: JobProgress;
  /** completed: the stored clip. */
  clipId?: string;
  /** failed: why, and the locales/ key for telling the user. */
  reason?: string;
  userMessageKey?: string;
  /** The job as queued (absent when the job is gone). */
  job?: ClipJob;
}

export type CancelOutcome =
  /** It was waiting and is gone from the queue. */
  | "removed"
  /** It is running; the worker stops at its next check and the job fails as cancelled. */
  | "cancelling"
  /** It had already finished (completed, failed or cancelled). */
  | "finished"
  | "not-found";

export interface QueueInfo {
  waiting: number;
  running: number;
  avgRunSeconds: number;
  /** The asking user's unfinished jobs, oldest first (when a user was given). */
  mine?: JobStatus[];
}

export class Producer {
  readonly prefix: string;
  readonly queue: ClipQueue;
  private readonly redis: Redis;
  private readonly ownsRedis: boolean;
  private readonly keys: ReturnType<typeof ownKeys>;
  private readonly limits: RateLimits;

  constructor(private readonly opts: ProducerOptions = {}) {
    this.prefix = opts.prefix ?? queuePrefix();
    this.ownsRedis = !opts.redis;
    this.redis = opts.redis ?? connectRedis();
    this.keys = ownKeys(this.prefix);
    this.limits = opts.rateLimits ?? rateLimitsFromEnv();
    this.queue = openQueue(this.redis, this.prefix);
    // Without a listener, an 'error' event would throw and end the process on the first Redis hiccup.
    const onError = opts.onError ?? warnOnChange();
    this.queue.on("error", onError);
    if (this.ownsRedis) this.redis.on("error", onError);
  }

  /**
   * Validate and queue a job. Throws JobValidationError (bad or dangling job; nothing queued) or RateLimited.
   * Calling it again with the same origin.platform + eventId returns the first job with `duplicate: true`.
   */
  async enqueue(input: unknown): Promise<EnqueueResult> {
    const job = validateJob(input);
    return this.withDeadline(() => this.admitAndAdd(job));
  }

  private async admitAndAdd(job: ClipJob): Promise<EnqueueResult> {
    const jobId = jobIdForEvent(job.origin.platform, job.eventId);
    const admitKeys = this.admitKeys(job, jobId);

    // Fast path for redelivered events, before the store is consulted (its answer may have changed since).
    const known = await this.redis.get(admitKeys.event);
    if (known) return this.duplicateOf(known, job, admitKeys);

    await this.checkReferences(job);

    const a = await admit(this.redis, admitKeys, {
      jobId,
      userKey: userKey(job.origin.platform, job.origin.userId),
      hasServer: job.origin.serverId !== undefined,
      limits: this.limits,
      eventTtlSeconds: RETENTION.eventSeconds,
    });
    if (a.kind === "duplicate") return this.duplicateOf(a.jobId, job, admitKeys);
    if (a.kind === "limited") {
      const w = this.limits[a.scope];
      throw new RateLimited(a.scope, Math.ceil(a.retryAfterMs / 1000), w.max, w.windowSeconds);
    }

    try {
      await this.queue.add(job.kind, job, { jobId, priority: a.round });
    } catch (err) {
      await unadmit(this.redis, admitKeys, jobId).catch(() => undefined);
      throw err;
    }
    await this.redis.del(admitKeys.pending);
    return { ...(await this.positionOf(jobId)), jobId, duplicate: false };
  }

  /**
   * The answer to an event seen before. Admission and `queue.add` are two Redis calls: a process that stopped between
   * them left an admission whose job was never queued, and every retry of the event would be told "duplicate" of a
   * job that does not exist (a challenge's reel would never be made). Its pending mark says so once it is older than
   * any add still in flight: the job is queued now, in the round it was admitted to.
   */
  private async duplicateOf(jobId: string, job: ClipJob, keys: AdmitKeys): Promise<EnqueueResult> {
    const [round, ttlMs] = await Promise.all([this.redis.get(keys.pending), this.redis.pttl(keys.pending)]);
    const ageMs = RETENTION.eventSeconds * 1000 - ttlMs;
    // A cancelled job was queued (its mark outlived a crash after the add): it stays cancelled.
    if (round !== null && ttlMs > 0 && ageMs > ORPHANED_AFTER_MS && !(await this.queue.getJob(jobId))
      && !(await this.redis.exists(this.keys.cancel(jobId)))) {
      // BullMQ ignores an add whose job id exists, so two producers repairing at once still queue one job.
      await this.queue.add(job.kind, job, { jobId, priority: Number(round) || 1 });
      await this.redis.del(keys.pending);
    }
    return { ...(await this.positionOf(jobId)), jobId, duplicate: true };
  }

  /**
   * Cancel a job. Only its owner (same platform and user id) may, or a manager of the server it came from (the
   * adapter checks the platform permission and says so in `by.manager`). Throws NotAllowed otherwise.
   */
  cancel(jobId: string, by: Actor): Promise<CancelOutcome> {
    return this.withDeadline(() => this.cancelNow(jobId, by));
  }

  private async cancelNow(jobId: string, by: Actor): Promise<CancelOutcome> {
    const job = await this.queue.getJob(jobId);
    if (!job) return (await this.redis.exists(this.keys.cancel(jobId))) ? "finished" : "not-found";
    if (!mayManage(job.data.origin, by)) throw new NotAllowed(`job ${jobId} belongs to someone else`);
    const state = await job.getState();
    if (state === "completed" || state === "failed") return "finished";

    // Flag first, then remove: if a worker takes the job in between, it still sees the flag and stops.
    await this.redis.set(this.keys.cancel(jobId), userKey(by.platform, by.userId), "EX", RETENTION.failedSeconds);
    await this.redis.publish(this.keys.cancelChannel, jobId);
    if (state !== "active") {
      try {
        await job.remove();
        await this.redis.zrem(this.keys.userJobs(userKey(job.data.origin.platform, job.data.origin.userId)), jobId);
        return "removed";
      } catch {
        // Locked by a worker: it became active meanwhile, and the flag will stop it.
      }
    }
    return "cancelling";
  }

  status(jobId: string): Promise<JobStatus> {
    return this.withDeadline(() => this.statusNow(jobId));
  }

  private async statusNow(jobId: string): Promise<JobStatus> {
    const job = await this.queue.getJob(jobId);
    if (!job) {
      const cancelled = await this.redis.exists(this.keys.cancel(jobId));
      return { jobId, state: cancelled ? "cancelled" : "unknown" };
    }
    const state = await job.getState();
    const base = { jobId, job: job.data };
    switch (state) {
      case "waiting":
      case "prioritized":
      case "delayed":
      case "waiting-children":
        return { ...base, state: "waiting", ...(await this.positionOf(jobId)) };
      case "active": {
        const progress = asJobProgress(job.progress);
        return { ...base, state: "running", progress, etaSeconds: progress?.etaSeconds };
      }
      case "completed":
        return { ...base, state: "completed", clipId: asClipJobResult(job.returnvalue)?.clipId };
      case "failed": {
        if (job.failedReason === CANCELLED_REASON) return { ...base, state: "cancelled" };
        const f = parseFailureReason(job.failedReason ?? "");
        return { ...base, state: "failed", reason: f.reason, userMessageKey: f.userMessageKey };
      }
      default:
        return { ...base, state: "unknown" };
    }
  }

  /** Queue depth, average run time, and (given a user) that user's unfinished jobs with positions and ETAs. */
  queueInfo(user?: { platform: string; userId: string }): Promise<QueueInfo> {
    return this.withDeadline(() => this.queueInfoNow(user));
  }

  /**
   * Redis must be connected, or come back, and answer within the deadline. ioredis would otherwise hold the commands
   * until it reconnects (maxRetriesPerRequest: null, which BullMQ needs), however long that takes. The operation only
   * starts once Redis is connected, so a refused request is never queued behind the person's back later.
   */
  private async withDeadline<T>(op: () => Promise<T>): Promise<T> {
    const ms = this.opts.deadlineMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailable(`redis did not answer within ${ms} ms (${this.redis.status})`)), ms);
    });
    try {
      if (this.redis.status !== "ready") {
        await Promise.race([new Promise<void>((resolve) => this.redis.once("ready", (onReady = resolve))), late]);
      }
      return await Promise.race([op(), late]);
    } finally {
      clearTimeout(timer);
      if (onReady) this.redis.off("ready", onReady);
    }
  }

  private async queueInfoNow(user?: { platform: string; userId: string }): Promise<QueueInfo> {
    const counts = await this.queue.getJobCounts("waiting", "prioritized", "delayed", "active");
    const info: QueueInfo = {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      running: counts.active ?? 0,
      avgRunSeconds: Math.round((await this.avgRunMs()) / 1000),
    };
    if (user) {
      const key = this.keys.userJobs(userKey(user.platform, user.userId));
      const ids = await this.redis.zrange(key, 0, "-1");
      const mine: JobStatus[] = [];
      for (const id of ids) {
        const s = await this.statusNow(id);
        if (s.state === "waiting" || s.state === "running") mine.push(s);
        else await this.redis.zrem(key, id); // finished: prune lazily, so the list stays as short as the queue
      }
      info.mine = mine;
    }
    return info;
  }

  async close(): Promise<void> {
    await this.queue.close();
    if (this.ownsRedis) await this.redis.quit();
  }

  /** Position and ETA of a job still waiting in the prioritized set; empty when it is not waiting there. */
  private async positionOf(jobId: string): Promise<{ position?: number; etaSeconds?: number }> {
    const [rank, plain, active] = await Promise.all([
      this.redis.zrank(this.queue.keys.prioritized, jobId),
      // Jobs added without a priority (none of ours) run before all prioritized ones.
      this.redis.llen(this.queue.keys.wait),
      this.queue.getActiveCount(),
    ]);
    if (rank === null) return {};
    const ahead = plain + rank;
    const slots = Math.max(1, this.opts.workerSlots ?? 1, active);
    return { position: ahead, etaSeconds: etaSeconds(ahead, slots, await this.avgRunMs()) };
  }

  private avgRunMs(): Promise<number> {
    return averageRunMs(this.redis, this.prefix, this.opts.defaultRunMs ?? DEFAULT_RUN_MS);
  }

  private admitKeys(job: ClipJob, jobId: string): AdmitKeys {
    const uk = userKey(job.origin.platform, job.origin.userId);
    return {
      event: this.keys.event(jobId),
      rateUser: this.keys.rateUser(uk),
      rateServer: this.keys.rateServer(`${job.origin.platform}/${job.origin.serverId ?? "-"}`),
      fairLast: this.keys.fairLast,
      prioritized: this.queue.keys.prioritized,
      userJobs: this.keys.userJobs(uk),
      pending: this.keys.pending(jobId),
    };
  }

  /**
   * Unknown parent / other clip / stitched part / image: refuse now, with the field named, rather than fail in a worker
   * later. (How long a stitch runs is the worker's to check, from the files: commands/ refuses too long a list from the
   * records before it gets here, and a job from elsewhere, a challenge's reel, fails in the worker with its reason.)
   */
  private async checkReferences(job: ClipJob): Promise<void> {
    const store = this.opts.store;
    if (!store) return;
    const issues: { path: string; message: string }[] = [];
    const refs: [string, string | undefined][] = [
      ["parentClipId", job.parentClipId],
      ["otherClipId", job.otherClipId],
      // The last part is parentClipId (the schema says so), checked above.
      ...(job.parts ?? []).slice(0, -1).map((id, i) => [`parts.${i}`, id] as [string, string]),
    ];
    const found = new Map<string, ClipRecord | undefined>();
    for (const [path, id] of refs) {
      if (id === undefined) continue;
      if (!found.has(id)) found.set(id, await store.getClip(id));
      if (!found.get(id)) issues.push({ path, message: `no clip with id ${id}` });
    }
    if (job.imageRef !== undefined && !(await store.hasBlob(job.imageRef))) {
      issues.push({ path: "imageRef", message: `no stored image ${job.imageRef}` });
    }
    if (issues.length) throw new JobValidationError(issues, "queue.unknownClip");
  }
}

function warnOnChange(): (err: Error) => void {
  let last = "";
  return (err) => {
    if (err.message === last) return;
    last = err.message;
    console.warn(`[queue] redis: ${err.message}`);
  };
}
