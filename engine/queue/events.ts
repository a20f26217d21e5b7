// Typed subscription over BullMQ's QueueEvents (a Redis stream, so every bot process sees every event and a
// reconnect resumes where it left off). The adapter that owns a job's origin posts; others ignore the event.
import { QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { EventEmitter } from "node:events";
import { connectRedis } from "./connection.ts";
import { CANCELLED_REASON, parseFailureReason } from "./errors.ts";
import { QUEUE_NAME, queuePrefix } from "./keys.ts";
import { asClipJobResult, asJobProgress, type JobProgress } from "./progress.ts";

export interface ClipEventMap {
  progress: JobProgress & { jobId: string };
  completed: { jobId: string; clipId: string };
  failed: { jobId: string; reason: string; userMessageKey: string };
  /** Removed while waiting, or stopped while running (extension of CONTRACTS: adapters say "cancelled"). */
  cancelled: { jobId: string };
  /** A worker took the job (extension: lets adapters swap "queued" for a progress bar before the first step). */
  active: { jobId: string };
  /** The connection to Redis failed; QueueEvents keeps retrying. */
  error: Error;
}

export type ClipEventName = keyof ClipEventMap;

export interface ClipEventsOptions {
  /** Default: a new connection on REDIS_URL (QueueEvents blocks on it, so it is never shared). */
  redis?: Redis;
  prefix?: string;
  /** Only events after this point ("$", default) or from the stream's start ("0-0", for tests and catch-up). */
  lastEventId?: string;
}

export class ClipEvents {
  private readonly qe: QueueEvents;
  private readonly emitter = new EventEmitter();
  private readonly ownRedis?: Redis;

  constructor(opts: ClipEventsOptions = {}) {
    if (!opts.redis) this.ownRedis = connectRedis();
    this.qe = new QueueEvents(QUEUE_NAME, {
      connection: opts.redis ?? this.ownRedis!,
      prefix: opts.prefix ?? queuePrefix(),
      ...(opts.lastEventId ? { lastEventId: opts.lastEventId } : {}),
    });
    this.qe.on("progress", ({ jobId, data }) => {
      const p = asJobProgress(data);
      if (p) this.emit("progress", { jobId, ...p });
    });
    this.qe.on("completed", ({ jobId, returnvalue }) => {
      const r = asClipJobResult(returnvalue);
      if (r) this.emit("completed", { jobId, clipId: r.clipId });
      else this.emit("failed", { jobId, reason: "the worker returned no clip", userMessageKey: "queue.failed" });
    });
    this.qe.on("failed", ({ jobId, failedReason }) => {
      if (failedReason === CANCELLED_REASON) return this.emit("cancelled", { jobId });
      const f = parseFailureReason(failedReason ?? "");
      this.emit("failed", { jobId, reason: f.reason, userMessageKey: f.userMessageKey });
    });
    // Only cancel() removes jobs in this system (retention drops finished jobs without a `removed` event).
    this.qe.on("removed", ({ jobId }) => this.emit("cancelled", { jobId }));
    this.qe.on("active", ({ jobId }) => this.emit("active", { jobId }));
    this.qe.on("error", (err) => this.emit("error", err));
  }

  /** Resolves once the underlying stream reader is connected (events before that are not seen with "$"). */
  async ready(): Promise<void> {
    await this.qe.waitUntilReady();
  }

  on<K extends ClipEventName>(event: K, listener: (e: ClipEventMap[K]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends ClipEventName>(event: K, listener: (e: ClipEventMap[K]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  async close(): Promise<void> {
    await this.qe.close();
    await this.ownRedis?.quit().catch(() => undefined);
  }

  private emit<K extends ClipEventName>(event: K, e: ClipEventMap[K]): void {
    // An 'error' with no listener would throw from EventEmitter and kill the process; QueueEvents retries anyway.
    if (event === "error" && this.emitter.listenerCount("error") === 0) return;
    this.emitter.emit(event, e);
  }
}
