// Which message and thread show which clip: the bot's own keys in Redis (bot/core/links.ts), over a real store.
// These checks were the clip store's before links left the engine.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipLinks } from "../../bot/core/links.ts";
import { ClipNotFound } from "../../engine/store/errors.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import type { ClipBlobs, NewClip } from "../../engine/store/types.ts";
import { cleanup, redis, testPrefix } from "../queue/helpers.ts";

let r: Redis;
let dir: string;
let store: FsClipStore;
const prefix = testPrefix("links");

beforeAll(async () => {
  r = redis();
  dir = await mkdtemp(join(tmpdir(), "links-"));
  store = new FsClipStore(dir);
});

afterAll(async () => {
  await cleanup(r, prefix);
  await r.quit();
  await rm(dir, { recursive: true, force: true });
});

let t = Date.parse("2026-01-01T00:00:00Z");
function clip(id: string, userId = "alice"): NewClip {
  t += 1000;
  return {
    id, kind: "generate", prompt: "a red square", expandedPrompt: "a red square", seed: 7, params: {},
    origin: { platform: "slack", userId, serverId: "g1", locale: "en" },
    frames: { width: 64, height: 64, fps: 8, count: 5 }, createdAt: new Date(t).toISOString(),
  };
}
const blobs: ClipBlobs = { video: { data: Buffer.from("mp4"), ext: "mp4" } };

describe("clip links", () => {
  it("resolve platform messages (any id format) to clips, each platform apart", async () => {
    const links = new ClipLinks(r, store, { prefix: `${prefix}:a` });
    const rec = await store.putClip(clip("msg_clip"), blobs);
    await links.linkMessage("slack", "1700000000.123456", "msg_clip");
    await links.linkMessage("discord", "../../etc/passwd", "msg_clip");
    expect(await links.clipForMessage("slack", "1700000000.123456")).toEqual(rec);
    expect(await links.clipForMessage("discord", "../../etc/passwd")).toEqual(rec);
    expect(await links.clipForMessage("discord", "1700000000.123456")).toBeUndefined();
    await expect(links.linkMessage("slack", "m9", "no_such_clip")).rejects.toBeInstanceOf(ClipNotFound);
  });

  it("find the latest clip in a thread, and the one before once it is deleted", async () => {
    const links = new ClipLinks(r, store, { prefix: `${prefix}:b` });
    const th1 = await store.putClip(clip("th_1"), blobs);
    const th2 = await store.putClip(clip("th_2", "bob"), blobs);
    const th3 = await store.putClip(clip("th_3", "bob"), blobs);
    // Linked out of order: the newest clip wins, not the last link.
    await links.linkThread("slack", "T-1", th2);
    await links.linkThread("slack", "T-1", th1);
    await links.linkThread("slack", "T-2", th3);
    expect((await links.latestInThread("slack", "T-1"))?.id).toBe("th_2");
    expect((await links.latestInThread("slack", "T-2"))?.id).toBe("th_3");
    expect(await links.latestInThread("slack", "T-3")).toBeUndefined();
    expect(await links.latestInThread("discord", "T-1")).toBeUndefined();
    await links.deleteClip("th_2", { platform: "slack", userId: "bob" });
    expect((await links.latestInThread("slack", "T-1"))?.id).toBe("th_1");
  });

  it("go with a deleted clip; a message linked to another clip since keeps that link", async () => {
    const links = new ClipLinks(r, store, { prefix: `${prefix}:c` });
    await store.putClip(clip("del_a"), blobs);
    const b = await store.putClip(clip("del_b"), blobs);
    await links.linkMessage("discord", "m-del", "del_a");
    await links.linkMessage("discord", "m-moved", "del_a");
    await links.linkMessage("discord", "m-moved", "del_b");
    expect(await links.deleteClip("del_a", { platform: "slack", userId: "alice" })).toBe(true);
    expect(await links.getClip("del_a")).toBeUndefined();
    expect(await links.clipForMessage("discord", "m-del")).toBeUndefined();
    expect(await r.exists(`${prefix}:c:msg:discord:m-del`), "the key itself is gone").toBe(0);
    expect(await links.clipForMessage("discord", "m-moved")).toEqual(b);
  });

  it("still read the links the Redis clip store kept before they moved here, and never write there", async () => {
    const earlier = `${prefix}:store`;
    const links = new ClipLinks(r, store, { prefix: `${prefix}:d`, earlierPrefix: earlier });
    const old = await store.putClip(clip("old_one"), blobs);
    const newer = await store.putClip(clip("new_one"), blobs);
    await r.set(`${earlier}:msg:slack:1699999999.000001`, "old_one");
    await r.zadd(`${earlier}:thread:slack:T-9`, Date.parse(old.createdAt), "old_one");
    expect(await links.clipForMessage("slack", "1699999999.000001")).toEqual(old);
    expect((await links.latestInThread("slack", "T-9"))?.id).toBe("old_one");
    await links.linkThread("slack", "T-9", newer);
    expect((await links.latestInThread("slack", "T-9"))?.id).toBe("new_one");
    expect(await r.zcard(`${earlier}:thread:slack:T-9`)).toBe(1);
  });
});
