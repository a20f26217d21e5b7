// Every clip store backend, for tests that run one contract against each: fs, redis (bytes in Redis), redis (bytes
// on a shared path). Registers the hooks that open the shared Redis and a temporary folder, and remove both after.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { FsBlobs, RedisBlobs } from "../../engine/store/blobs.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import { RedisClipStore } from "../../engine/store/redis-store.ts";
import type { ClipStore } from "../../engine/store/types.ts";
import { cleanup, redis, testPrefix } from "../queue/helpers.ts";

export interface StoreBackends {
  backends: [string, () => ClipStore][];
  /** The shared Redis client and the temporary folder, once beforeAll has run. */
  redis(): Redis;
  dir(): string;
  /** A prefix of its own on the shared Redis, removed after the file's tests. */
  prefix(name: string): string;
}

export function storeBackends(name: string): StoreBackends {
  let r: Redis;
  let dir = "";
  const prefixes: string[] = [];
  beforeAll(async () => {
    r = redis();
    dir = await mkdtemp(join(tmpdir(), `${name}-`));
  });
  afterAll(async () => {
    for (const p of prefixes) await cleanup(r, p);
    await r.quit();
    await rm(dir, { recursive: true, force: true });
  });
  const prefix = (label: string) => {
    const p = testPrefix(label);
    prefixes.push(p);
    return p;
  };
  return {
    backends: [
      ["fs", () => new FsClipStore(join(dir, `fs-${prefixes.length}-${Math.random()}`))],
      ["redis", () => {
        const p = prefix(name);
        return new RedisClipStore(r, new RedisBlobs(r, p), p);
      }],
      ["redis + shared blob dir", () => {
        const p = prefix(name);
        return new RedisClipStore(r, new FsBlobs(join(dir, p)), p);
      }],
    ],
    redis: () => r,
    dir: () => dir,
    prefix,
  };
}
