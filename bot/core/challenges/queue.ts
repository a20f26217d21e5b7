// The challenge queue: BullMQ jobs that must happen even if every bot process restarts in between. `end` waits
// (delayed) until a challenge's deadline; `enter` waits for a /challenge submit clip to be made, then enters it.
// One queue per platform: a job is taken only by a process that runs that platform's adapter, which is the one that
// can post there. BullMQ job ids are derived from what they are for, so adding one twice keeps one.
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Platform } from "../../../commands/context.ts";

export type ChallengeJob =
  | { type: "end"; challengeId: string }
  | { type: "enter"; challengeId: string; jobId: string; userId: string; userName?: string; slot: string };

export interface ChallengeJobHandlers {
  end(challengeId: string): Promise<void>;
  /** "wait": the clip is still being made, look again soon. */
  enter(job: Extract<ChallengeJob, { type: "enter" }>): Promise<"done" | "wait">;
}

/** How soon a waiting entry looks at its clip job again. */
const ENTER_POLL_MS = 1500;

export function queueName(platform: Platform): string {
  return `challenges-${platform}`;
}

/** Job ids allow no ':'; clip job ids are letters, digits, '-', '_' and '.' (engine/queue/keys.ts). */
const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, "_");

export class ChallengeQueue {
  readonly queue: Queue<ChallengeJob>;
  private worker: Worker<ChallengeJob> | undefined;
  private workerRedis: Redis | undefined;

  constructor(private readonly redis: Redis, private readonly prefix: string, readonly platform: Platform) {
    this.queue = new Queue<ChallengeJob>(queueName(platform), { connection: redis, prefix });
  }

  /** The deadline: runs once at `at`, or at once when `at` has passed. */
  async scheduleEnd(challengeId: string, at: number): Promise<void> {
    await this.queue.add("end", { type: "end", challengeId }, {
      jobId: `end-${challengeId}`, delay: Math.max(0, at - Date.now()), attempts: 8, backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: true, removeOnFail: 100,
    });
  }

  /** `/challenge end`: the deadline job runs now (it posts the results, so they are posted by one process, once). */
  async endNow(challengeId: string): Promise<void> {
    const job = await this.queue.getJob(`end-${challengeId}`);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    else if (!job) await this.scheduleEnd(challengeId, Date.now());
  }

  async dropEnd(challengeId: string): Promise<void> {
    const job = await this.queue.getJob(`end-${challengeId}`);
    if (job && (await job.isDelayed())) await job.remove().catch(() => undefined);
  }

  async scheduleEnter(j: Extract<ChallengeJob, { type: "enter" }>): Promise<void> {
    await this.queue.add("enter", j, {
      jobId: `enter-${j.challengeId}-${safe(j.jobId)}`, attempts: 8, backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: true, removeOnFail: 100,
    });
  }

  /** Whether a clip job's entry is still waiting for it (a /challenge submit). */
  async pendingEnter(challengeId: string, jobId: string): Promise<boolean> {
    return (await this.queue.getJob(`enter-${challengeId}-${safe(jobId)}`)) !== undefined;
  }

  /** Start taking this platform's challenge jobs (the worker blocks its connection: it gets its own). */
  run(handlers: ChallengeJobHandlers, log: (line: string) => void): void {
    const connection = (this.workerRedis = this.redis.duplicate());
    this.worker = new Worker<ChallengeJob>(queueName(this.platform), async (job: Job<ChallengeJob>, token?: string) => {
      const d = job.data;
      if (d.type === "end") return handlers.end(d.challengeId);
      if ((await handlers.enter(d)) === "wait") {
        await job.moveToDelayed(Date.now() + ENTER_POLL_MS, token);
        throw new DelayedError();
      }
    }, {
      connection, prefix: this.prefix,
      // Every step is idempotent (claims before posts, one-step theme changes), so a job whose bot stopped twice
      // mid-step is safe to run again: BullMQ's default (one stall, then failed for good) would lose a deadline.
      maxStalledCount: 10,
    });
    this.worker.on("failed", (job, err) => log(`challenges: ${job?.name ?? "job"} ${job?.id ?? ""} failed: ${err.message}`));
    this.worker.on("error", (err) => log(`challenges: worker: ${err.message}`));
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.close();
    await this.workerRedis?.quit().catch(() => undefined);
    this.workerRedis = undefined;
    await this.queue.close();
  }
}
