// Requests the queue lost (Redis flushed, or restarted without persistence), kept so their owner can press Retry. The
// follower that notices the loss writes the request here (Redis is back by then); any bot process can answer the
// button. Kept a day: after that the person would rather type it again than find a stale button working.
import type { Redis } from "ioredis";
import type { ClipJob } from "../../engine/queue/schema.ts";

const TTL_SECONDS = 24 * 3600;

export class LostJobs {
  constructor(private readonly redis: Redis, private readonly prefix = "sora:lost") {}

  private key(jobId: string): string {
    return `${this.prefix}:${jobId}`;
  }

  async remember(jobId: string, job: ClipJob): Promise<void> {
    await this.redis.set(this.key(jobId), JSON.stringify(job), "EX", TTL_SECONDS);
  }

  async get(jobId: string): Promise<ClipJob | undefined> {
    const raw = await this.redis.get(this.key(jobId));
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as ClipJob;
    } catch {
      return undefined;
    }
  }

  /** Retried: a second press must not send it twice. True for the one call that removed it. */
  async forget(jobId: string): Promise<boolean> {
    return (await this.redis.del(this.key(jobId))) === 1;
  }
}
