// Which message shows which clip, and which clips a thread holds: the bot's own keys in Redis, not the engine's (the
// clip store knows clips, not chats). The Delivery links every message that shows a clip and the thread it went
// into; a reply to such a message, or a plain message in the thread, resolves to its clip (commands/reply.ts).
// ClipLinks is the ClipLookup commands read: clips come from the store, links from here, and a deleted clip's links
// go with it.
//
// Keys: `<prefix>:msg:<platform>:<message>` → clip id; `<prefix>:thread:<platform>:<thread>`, a zset of clip ids by
// creation time; `<prefix>:clip:<clip>`, the set of keys that name the clip (for deletion). Before these keys
// existed, the Redis clip store kept the same links under its own prefix (SORA_STORE_PREFIX, default "sora:store"):
// given as `earlierPrefix`, those are still read, never written. The fs clip store kept them as files in its folder:
// those are moved into these keys once at start-up (link-migration.ts).
import type { Redis } from "ioredis";
import type { ClipInfo, ClipLookup, Platform } from "../../commands/context.ts";
import type { Actor } from "../../engine/queue/identity.ts";
import { ClipNotFound } from "../../engine/store/errors.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import type { MessageLinks } from "./delivery.ts";

export interface ClipLinksOptions {
  /** Default "sora:links". */
  prefix?: string;
  /** The Redis clip store's prefix, whose links (written before links moved here) are still read. */
  earlierPrefix?: string;
}

/** A thread's newest clips looked at: a few extra in case the newest were deleted meanwhile. */
const THREAD_LOOKBACK = 5;

export class ClipLinks implements ClipLookup, MessageLinks {
  private readonly prefix: string;
  private readonly earlier: string | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly store: Pick<ClipStore, "getClip" | "deleteClip">,
    opts: ClipLinksOptions = {},
  ) {
    this.prefix = opts.prefix ?? "sora:links";
    this.earlier = opts.earlierPrefix;
  }

  private msgKey(prefix: string, platform: Platform, messageId: string): string {
    return `${prefix}:msg:${platform}:${messageId}`;
  }
  private threadKey(prefix: string, platform: Platform, threadId: string): string {
    return `${prefix}:thread:${platform}:${threadId}`;
  }
  private namesKey(clipId: string): string {
    return `${this.prefix}:clip:${clipId}`;
  }

  getClip(id: string): Promise<ClipRecord | undefined> {
    return this.store.getClip(id);
  }

  /** The clip goes, and every link to it. */
  async deleteClip(id: string, by: Actor): Promise<boolean> {
    const deleted = await this.store.deleteClip(id, by);
    await this.forgetClip(id);
    return deleted;
  }

  /** A message shows the clip: a reply to it continues the clip. Throws ClipNotFound for a clip the store lacks. */
  async linkMessage(platform: Platform, messageId: string, clipId: string): Promise<void> {
    if (!(await this.store.getClip(clipId))) throw new ClipNotFound(clipId);
    const key = this.msgKey(this.prefix, platform, messageId);
    await this.redis.multi().set(key, clipId).sadd(this.namesKey(clipId), key).exec();
  }

  /**
   * A link kept before these keys existed (bot/core/link-migration.ts): written only when the message links no clip
   * here yet, so a newer link wins. True when it was written.
   */
  async adoptMessageLink(platform: Platform, messageId: string, clipId: string): Promise<boolean> {
    const key = this.msgKey(this.prefix, platform, messageId);
    // Named first: forgetClip removes a named key only while it still names this clip, so a spare name is harmless.
    await this.redis.sadd(this.namesKey(clipId), key);
    return (await this.redis.set(key, clipId, "NX")) === "OK";
  }

  /** The clip was posted in the thread: a plain message there continues the thread's newest clip. */
  async linkThread(platform: Platform, threadId: string, clip: Pick<ClipInfo, "id" | "createdAt">): Promise<void> {
    const key = this.threadKey(this.prefix, platform, threadId);
    const at = Date.parse(clip.createdAt);
    await this.redis.multi().zadd(key, Number.isFinite(at) ? at : Date.now(), clip.id).sadd(this.namesKey(clip.id), key).exec();
  }

  async clipForMessage(platform: Platform, messageId: string): Promise<ClipRecord | undefined> {
    let clipId = await this.redis.get(this.msgKey(this.prefix, platform, messageId));
    if (!clipId && this.earlier) clipId = await this.redis.get(this.msgKey(this.earlier, platform, messageId));
    return clipId ? this.store.getClip(clipId) : undefined;
  }

  async latestInThread(platform: Platform, threadId: string): Promise<ClipRecord | undefined> {
    const scored: [string, number][] = [];
    for (const prefix of this.earlier ? [this.prefix, this.earlier] : [this.prefix]) {
      const flat = await this.redis.zrevrange(this.threadKey(prefix, platform, threadId), 0, THREAD_LOOKBACK - 1, "WITHSCORES");
      for (let i = 0; i < flat.length; i += 2) scored.push([flat[i]!, Number(flat[i + 1])]);
    }
    scored.sort((a, b) => b[1] - a[1]);
    for (const [id] of scored) {
      const rec = await this.store.getClip(id);
      if (rec) return rec;
    }
    return undefined;
  }

  /** The clips posted in a thread, oldest first (earlier keys included), each once. */
  async clipsInThread(platform: Platform, threadId: string): Promise<string[]> {
    const scored = new Map<string, number>();
    for (const prefix of this.earlier ? [this.earlier, this.prefix] : [this.prefix]) {
      const flat = await this.redis.zrange(this.threadKey(prefix, platform, threadId), "0", "-1", "WITHSCORES");
      for (let i = 0; i < flat.length; i += 2) scored.set(flat[i]!, Number(flat[i + 1]));
    }
    return [...scored].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  }

  /** Remove every link to a clip (it was deleted). A message linked to another clip since keeps that link. */
  async forgetClip(clipId: string): Promise<void> {
    const names = this.namesKey(clipId);
    for (const key of await this.redis.smembers(names)) {
      if (key.startsWith(`${this.prefix}:thread:`)) await this.redis.zrem(key, clipId);
      else if ((await this.redis.get(key)) === clipId) await this.redis.del(key);
    }
    await this.redis.del(names);
  }
}
