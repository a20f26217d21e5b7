// The many-hosts backend: records in Redis hashes; bytes in Redis or on a shared path (see blobs.ts). Multi-key updates run as Lua scripts, so hosts racing on one clip agree.
// Scripts touch keys they build themselves: fine on one Redis (or a replica set), not on Redis Cluster.
import type { Redis } from "ioredis";
import type { BlobBackend } from "./blobs.ts";
import { BlobBackedStore } from "./base-store.ts";
import { ClipNotFound } from "./errors.ts";
import { recordBlobKeys, walkLineage } from "./lineage.ts";
import { checkId } from "./naming.ts";
import type { ClipBlobs, ClipRecord, ClipStore, NewClip } from "./types.ts";

// Create the record unless the id is taken; refuse if the parent vanished since we read it (a concurrent delete).
const PUT_LUA = `
-- KEYS: 1 clip, 2 parent clip (or "" when none)
-- ARGV: 1 record json, 2 owner, 3 rootId, 4 parentId
local existing = redis.call('HGET', KEYS[1], 'json')
if existing then return {'exists', existing} end
if KEYS[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 0 then return {'noparent'} end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'owner', ARGV[2], 'rootId', ARGV[3], 'parentId', ARGV[4])
return {'ok'}
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

  async putClip(rec: NewClip, blobs: ClipBlobs): Promise<ClipRecord> {
    const prepared = await this.prepareClip(rec, blobs);
    if ("existing" in prepared) return prepared.existing;
    const { id, record } = prepared;
    const res = (await this.redis.eval(
      PUT_LUA,
      2,
      this.clipKey(id),
      record.parentId !== undefined ? this.clipKey(record.parentId) : "",
      JSON.stringify(record),
      record.origin.userId,
      record.rootId,
      record.parentId ?? "",
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
    // DEL answers 0 when someone else deleted it meanwhile.
    if ((await this.redis.del(this.clipKey(rec.id))) !== 1) return false;
    await this.blobs.remove(recordBlobKeys(rec));
    return true;
  }

  async close(): Promise<void> {
    if (this.ownsRedis) await this.redis.quit();
  }
}
