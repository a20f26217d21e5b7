// The many-hosts backend: records in Redis hashes, message links as plain keys, a zset per thread; bytes in Redis
// or on a shared path (see blobs.ts). Multi-key updates run as Lua scripts, so hosts racing on one clip agree.
// Scripts touch keys they build themselves: fine on one Redis (or a replica set), not on Redis Cluster.
import type { Redis } from "ioredis";
import type { Platform } from "../queue/schema.ts";
import type { BlobBackend } from "./blobs.ts";
import { BlobBackedStore } from "./base-store.ts";
import { ClipNotFound } from "./errors.ts";
import { recordBlobKeys, walkLineage } from "./lineage.ts";
import { checkId } from "./naming.ts";
import type { ClipBlobs, ClipRecord, ClipStore, NewClip } from "./types.ts";

// Create the record unless the id is taken; refuse if the parent vanished since we read it (a concurrent delete).
const PUT_LUA = `
-- KEYS: 1 clip, 2 parent clip (or "" when none), 3 thread zset (or "" when none)
-- ARGV: 1 record json, 2 id, 3 owner, 4 rootId, 5 parentId, 6 createdAt ms
local existing = redis.call('HGET', KEYS[1], 'json')
if existing then return {'exists', existing} end
if KEYS[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 0 then return {'noparent'} end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'owner', ARGV[3], 'rootId', ARGV[4], 'parentId', ARGV[5])
if KEYS[3] ~= '' then redis.call('ZADD', KEYS[3], tonumber(ARGV[6]), ARGV[2]) end
return {'ok'}
`;

// Remove the record, the message links still pointing at it, and its thread entry.
const DELETE_LUA = `
-- KEYS: 1 clip, 2 set of its message keys, 3 thread zset (or "")
-- ARGV: 1 id
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end
end
redis.call('DEL', KEYS[2])
if KEYS[3] ~= '' then redis.call('ZREM', KEYS[3], ARGV[1]) end
return 1
`;

export class RedisClipStore extends BlobBackedStore implements ClipStore {
  constructor(
    private readonly redis: Redis,
    blobs: BlobBackend,
    private readonly prefix = "sora:store",
    /** Whether close() quits the client (true when the store opened it). */
    private readonly ownsRedis = false,
  ) {
    super(blobs);
  }

  private clipKey(id: string) {
    return `${this.prefix}:clip:${checkId(id)}`;
  }
  private msgKey(platform: Platform, messageId: string) {
    return `${this.prefix}:msg:${platform}:${messageId}`;
  }
  private clipMsgsKey(id: string) {
    return `${this.prefix}:clipmsgs:${checkId(id)}`;
  }
  private threadKey(platform: Platform, threadId: string) {
    return `${this.prefix}:thread:${platform}:${threadId}`;
  }

  async putClip(rec: NewClip, blobs: ClipBlobs): Promise<ClipRecord> {
    const prepared = await this.prepareClip(rec, blobs);
    if ("existing" in prepared) return prepared.existing;
    const { id, record } = prepared;
    const res = (await this.redis.eval(
      PUT_LUA,
      3,
      this.clipKey(id),
      record.parentId !== undefined ? this.clipKey(record.parentId) : "",
      record.origin.threadId ? this.threadKey(record.origin.platform, record.origin.threadId) : "",
      JSON.stringify(record),
      id,
      record.origin.userId,
      record.rootId,
      record.parentId ?? "",
      Date.parse(record.createdAt),
    )) as [string, string?];
    if (res[0] === "exists") return JSON.parse(res[1]!) as ClipRecord;
    if (res[0] === "noparent") {
      await this.blobs.remove(recordBlobKeys(record));
      throw new ClipNotFound(record.parentId!);
    }
    return record;
  }

  async getClip(id: string): Promise<ClipRecord | undefined> {
    const json = await this.redis.hget(this.clipKey(id), "json");
    return json ? (JSON.parse(json) as ClipRecord) : undefined;
  }

  lineage(id: string): Promise<ClipRecord[]> {
    return walkLineage(id, (x) => this.getClip(x));
  }

  async linkMessage(platform: Platform, messageId: string, clipId: string): Promise<void> {
    if (!(await this.getClip(clipId))) throw new ClipNotFound(clipId);
    const k = this.msgKey(platform, messageId);
    await this.redis.multi().set(k, clipId).sadd(this.clipMsgsKey(clipId), k).exec();
  }

  async clipForMessage(platform: Platform, messageId: string): Promise<ClipRecord | undefined> {
    const clipId = await this.redis.get(this.msgKey(platform, messageId));
    return clipId ? this.getClip(clipId) : undefined;
  }

  async latestInThread(platform: Platform, threadId: string): Promise<ClipRecord | undefined> {
    // Newest first; a few extra in case a clip is mid-delete (its zset entry goes with the record, atomically).
    const ids = await this.redis.zrevrange(this.threadKey(platform, threadId), 0, 4);
    for (const id of ids) {
      const rec = await this.getClip(id);
      if (rec) return rec;
    }
    return undefined;
  }

  async *listClips(): AsyncIterable<ClipRecord> {
    // SCAN, not KEYS: the sweep must not block Redis for everyone else. The ids come back from the key names.
    const head = `${this.prefix}:clip:`;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${head}*`, "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const rec = await this.getClip(key.slice(head.length)).catch(() => undefined);
        if (rec) yield rec;
      }
    } while (cursor !== "0");
  }

  protected async removeClip(rec: ClipRecord): Promise<boolean> {
    const id = rec.id;
    const thread = rec.origin.threadId ? this.threadKey(rec.origin.platform, rec.origin.threadId) : "";
    const removed = await this.redis.eval(DELETE_LUA, 3, this.clipKey(id), this.clipMsgsKey(id), thread, id);
    if (removed !== 1) return false; // someone else deleted it meanwhile
    await this.blobs.remove(recordBlobKeys(rec));
    return true;
  }

  async close(): Promise<void> {
    if (this.ownsRedis) await this.redis.quit();
  }
}
