// Progress previews expire; conditioning frames and clip files do not. Redis blobs carry a PX expiry; blob folders
// on disk are swept of old files when a new expiring blob is written there.
import { mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsBlobs, RedisBlobs } from "../../engine/store/blobs.ts";
import { PREVIEW_TTL_MS } from "../../engine/store/base-store.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import { RedisClipStore } from "../../engine/store/redis-store.ts";
import { cleanup, redis, testPrefix } from "../queue/helpers.ts";

let r: Redis;
let dir: string;
const prefixes: string[] = [];
beforeAll(async () => {
  r = redis();
  dir = await mkdtemp(join(tmpdir(), "blob-expiry-"));
});
afterAll(async () => {
  for (const p of prefixes) await cleanup(r, p);
  await r.quit();
  await rm(dir, { recursive: true, force: true });
});

describe("expiring blobs", () => {
  it("redis: a preview gets the preview ttl, a conditioning frame none", async () => {
    const prefix = testPrefix("blobttl");
    prefixes.push(prefix);
    const store = new RedisClipStore(r, new RedisBlobs(r, prefix), prefix);
    const preview = await store.putBlob(Buffer.from("png"), "png", "preview");
    const frame = await store.putBlob(Buffer.from("png"), "png", "frame");
    const ttl = await r.pttl(`${prefix}:blob:${preview}`);
    expect(ttl).toBeGreaterThan(PREVIEW_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(PREVIEW_TTL_MS);
    expect(await r.pttl(`${prefix}:blob:${frame}`)).toBe(-1);
    expect((await store.readBlob(preview)).toString()).toBe("png");
  });

  it("redis: an expired blob is gone", async () => {
    const prefix = testPrefix("blobttl");
    prefixes.push(prefix);
    const blobs = new RedisBlobs(r, prefix);
    await blobs.put("previews/x.png", Buffer.from("a"), 50);
    await new Promise((res) => setTimeout(res, 120));
    expect(await blobs.has("previews/x.png")).toBe(false);
  });

  it("fs: writing a preview sweeps older previews, leaves young ones, frames and clip files", async () => {
    const root = join(dir, "store");
    const store = new FsClipStore(root);
    const old = await store.putBlob(Buffer.from("old"), "png", "preview");
    const frame = await store.putBlob(Buffer.from("frame"), "png", "frame");
    const longAgo = new Date(Date.now() - PREVIEW_TTL_MS - 60_000);
    await utimes(join(root, "blobs", old), longAgo, longAgo);
    await utimes(join(root, "blobs", frame), longAgo, longAgo);
    // The first put already swept (nothing was old then); a fresh store sweeps on its first expiring put.
    const again = new FsClipStore(root);
    const young = await again.putBlob(Buffer.from("young"), "png", "preview");
    expect(await again.hasBlob(old)).toBe(false);
    expect(await again.hasBlob(young)).toBe(true);
    expect(await again.hasBlob(frame)).toBe(true);
  });

  it("fs: sweeps a folder at most once per interval", async () => {
    let now = 1_000_000;
    const folder = join(dir, "throttle");
    const blobs = new FsBlobs(folder, () => now);
    await blobs.put("previews/a.png", Buffer.from("a"), 1000);
    const stale = new Date(0);
    await utimes(join(folder, "previews/a.png"), stale, stale);
    now += 500;   // within the interval (min(ttl, 10 min) = 1 s): no sweep yet
    await blobs.put("previews/b.png", Buffer.from("b"), 1000);
    expect((await readdir(join(folder, "previews"))).sort()).toEqual(["a.png", "b.png"]);
    now += 1000;
    await blobs.put("previews/c.png", Buffer.from("c"), 1000);
    expect((await readdir(join(folder, "previews"))).sort()).toEqual(["b.png", "c.png"]);
  });
});
