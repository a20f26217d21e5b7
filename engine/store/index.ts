// Opening the configured store: SORA_STORE=fs (default; SORA_STORE_DIR, default ./data/store) or redis (REDIS_URL;
// SORA_STORE_PREFIX, default "sora:store"; bytes in Redis, or under SORA_STORE_BLOB_DIR when every host mounts one).
import { join } from "node:path";
import { connectRedis } from "../queue/connection.ts";
import { FsBlobs, RedisBlobs } from "./blobs.ts";
import { FsClipStore } from "./fs-store.ts";
import { RedisClipStore } from "./redis-store.ts";
import type { ClipStore } from "./types.ts";

export * from "./types.ts";
export * from "./errors.ts";
export { FsClipStore } from "./fs-store.ts";
export { RedisClipStore } from "./redis-store.ts";
export { FsBlobs, RedisBlobs, type BlobBackend } from "./blobs.ts";

export function openStore(env: NodeJS.ProcessEnv = process.env): ClipStore {
  const kind = env.SORA_STORE || "fs";
  if (kind === "fs") return new FsClipStore(env.SORA_STORE_DIR || join(process.cwd(), "data", "store"));
  if (kind === "redis") {
    const redis = connectRedis(env.REDIS_URL || undefined);
    const prefix = env.SORA_STORE_PREFIX || "sora:store";
    const blobs = env.SORA_STORE_BLOB_DIR ? new FsBlobs(env.SORA_STORE_BLOB_DIR) : new RedisBlobs(redis, prefix);
    return new RedisClipStore(redis, blobs, prefix, true);
  }
  throw new Error(`SORA_STORE must be "fs" or "redis", not ${JSON.stringify(kind)}`);
}
