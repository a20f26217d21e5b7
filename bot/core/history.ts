// Each person's recently posted clips, for /history (Slack's `/sora history`): the Delivery records every clip it
// posts under the clip's maker (platform + user), with where it went, so the command can list them with links. Kept
// in Redis beside the deliveries (the bot's own keys), the newest HISTORY_KEEP per person, forgotten after
// HISTORY_TTL_MS without a new clip. Ids from platforms are URI-encoded in keys; prompts are never stored here (the
// clip store has them).
import type { Redis } from "ioredis";
import type { ClipHistoryReader, Platform, PostedClipRef } from "../../commands/context.ts";

/** Clips kept per person. */
export const HISTORY_KEEP = 50;
/** A person's list goes this long after their last clip. */
export const HISTORY_TTL_MS = 90 * 24 * 3600_000;

export type { ClipHistoryReader, PostedClipRef };

const part = (s: string) => encodeURIComponent(s);

export class ClipHistory implements ClipHistoryReader {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private keys(platform: Platform, userId: string) {
    const base = `${this.prefix}:${platform}:${part(userId)}`;
    return { order: `${base}:order`, refs: `${base}:refs` };
  }

  /** The clip was posted (again: its latest post wins). */
  async record(platform: Platform, userId: string, ref: PostedClipRef): Promise<void> {
    const k = this.keys(platform, userId);
    await this.redis.multi()
      .zadd(k.order, ref.at, ref.clipId)
      .hset(k.refs, ref.clipId, JSON.stringify(ref))
      .pexpire(k.order, HISTORY_TTL_MS)
      .pexpire(k.refs, HISTORY_TTL_MS)
      .exec();
    const old = await this.redis.zrange(k.order, "0", String(-HISTORY_KEEP - 1));
    if (old.length) await this.redis.multi().zrem(k.order, ...old).hdel(k.refs, ...old).exec();
  }

  async recent(platform: Platform, userId: string, limit: number): Promise<PostedClipRef[]> {
    const k = this.keys(platform, userId);
    const ids = await this.redis.zrevrange(k.order, 0, Math.max(0, Math.min(limit, HISTORY_KEEP) - 1));
    if (!ids.length) return [];
    const raw = await this.redis.hmget(k.refs, ...ids);
    return raw.flatMap((r) => {
      const ref = r ? parse(r) : undefined;
      return ref ? [ref] : [];
    });
  }
}

function parse(raw: string): PostedClipRef | undefined {
  try {
    const r = JSON.parse(raw) as PostedClipRef;
    return typeof r?.clipId === "string" && typeof r.at === "number" ? r : undefined;
  } catch {
    return undefined;
  }
}
