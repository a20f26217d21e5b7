// The clip store contract, run against every backend: fs, redis (bytes in Redis), redis (bytes on a shared path).
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BadStoreInput, BlobNotFound, ClipNotFound, NotClipOwner } from "../../engine/store/errors.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import { openStore } from "../../engine/store/index.ts";
import { RedisClipStore } from "../../engine/store/redis-store.ts";
import type { ClipBlobs, ClipStore, NewClip } from "../../engine/store/types.ts";
import { testPrefix } from "../queue/helpers.ts";
import { storeBackends } from "./backends.ts";

const world = storeBackends("store");
const backends = world.backends;

let t = Date.parse("2026-01-01T00:00:00Z");
function clip(userId: string, over: Partial<NewClip> = {}): NewClip {
  t += 1000;
  return {
    kind: "generate",
    prompt: "a red square slides right",
    expandedPrompt: "a small red square slides from left to right on a white background",
    seed: 7,
    params: { steps: 20, guidance: 5.5, aspect: "1:1" },
    origin: { platform: "discord", userId, serverId: "g1", conversation: "t1", place: { channelId: "c1", threadId: "t1", messageId: "m0" }, locale: "en" },
    frames: { width: 256, height: 256, fps: 8, count: 17 },
    createdAt: new Date(t).toISOString(),
    ...over,
  };
}
const blobs = (tag: string): ClipBlobs => ({
  video: { data: Buffer.from(`mp4 ${tag}`), ext: "mp4" },
  preview: { data: Buffer.from(`webp ${tag}`), ext: "webp" },
  thumbnail: { data: Buffer.from(`png ${tag}`), ext: "png" },
});

describe.each(backends)("%s store", (_name, make) => {
  let s: ClipStore;
  beforeAll(() => {
    s = make();
  });

  it("round-trips a record and its files", async () => {
    const rec = await s.putClip(clip("alice", { id: "clip_rt" }), blobs("rt"));
    expect(rec).toMatchObject({ id: "clip_rt", rootId: "clip_rt", prompt: "a red square slides right", seed: 7 });
    expect(rec.parentId).toBeUndefined();
    expect(rec.files).toEqual({
      video: "clips/clip_rt/video.mp4",
      preview: "clips/clip_rt/preview.webp",
      thumbnail: "clips/clip_rt/thumbnail.png",
    });
    expect(await s.getClip("clip_rt")).toEqual(rec);
    expect((await s.readBlob(rec.files.video)).toString()).toBe("mp4 rt");
    expect((await s.readBlob(rec.files.thumbnail!)).toString()).toBe("png rt");
    expect(await s.getClip("clip_none")).toBeUndefined();
  });

  it("is idempotent by id: a retried job gets the first record back, unchanged", async () => {
    const first = await s.putClip(clip("alice", { id: "clip_once" }), blobs("one"));
    const again = await s.putClip(clip("alice", { id: "clip_once", prompt: "something else" }), blobs("two"));
    expect(again).toEqual(first);
    expect((await s.readBlob(first.files.video)).toString()).toBe("mp4 one");
  });

  it("two workers storing the same clip id at once end with one record, returned to both", async () => {
    const [x, y] = await Promise.all([
      s.putClip(clip("alice", { id: "clip_race", seed: 1 }), blobs("x")),
      s.putClip(clip("alice", { id: "clip_race", seed: 2 }), blobs("y")),
    ]);
    expect(x).toEqual(y);
    expect(await s.getClip("clip_race")).toEqual(x);
  });

  it("generates an id when none is given", async () => {
    const rec = await s.putClip(clip("alice"), { video: { data: Buffer.from("v"), ext: "mp4" } });
    expect(rec.id).toMatch(/^clip_[0-9a-f]{32}$/);
    expect(rec.files).toEqual({ video: `clips/${rec.id}/video.mp4` });
  });

  it("keeps lineage: parent and root, walked root → clip", async () => {
    const a = await s.putClip(clip("alice", { id: "lin_a" }), blobs("a"));
    const b = await s.putClip(clip("bob", { id: "lin_b", kind: "extend", parentId: "lin_a" }), blobs("b"));
    const c = await s.putClip(clip("alice", { id: "lin_c", kind: "remix", parentId: "lin_b" }), blobs("c"));
    expect([b.parentId, b.rootId, c.parentId, c.rootId]).toEqual(["lin_a", "lin_a", "lin_b", "lin_a"]);
    expect((await s.lineage("lin_c")).map((x) => x.id)).toEqual(["lin_a", "lin_b", "lin_c"]);
    expect((await s.lineage("lin_a")).map((x) => x.id)).toEqual([a.id]);
    await expect(s.lineage("lin_zz")).rejects.toBeInstanceOf(ClipNotFound);
  });

  it("refuses a clip whose parent does not exist, storing nothing", async () => {
    await expect(s.putClip(clip("alice", { id: "orphan", parentId: "ghost" }), blobs("o"))).rejects.toBeInstanceOf(
      ClipNotFound,
    );
    expect(await s.getClip("orphan")).toBeUndefined();
  });

  it("deletes only for the owner or a manager of its server, and removes record and files", async () => {
    const rec = await s.putClip(clip("alice", { id: "del_a" }), blobs("d"));
    await s.putClip(clip("alice", { id: "del_child", parentId: "del_a" }), blobs("dc"));
    await expect(s.deleteClip("del_a", { platform: "discord", userId: "mallory" })).rejects.toBeInstanceOf(NotClipOwner);
    // Identity is platform + user; a manager right holds in its own server.
    await expect(s.deleteClip("del_a", { platform: "playground", userId: "alice" })).rejects.toBeInstanceOf(NotClipOwner);
    await expect(s.deleteClip("del_a", { platform: "discord", userId: "mod", manager: true, serverId: "g2" })).rejects.toBeInstanceOf(NotClipOwner);
    await expect(s.deleteClip("del_a", { platform: "slack", userId: "mod", manager: true, serverId: "g1" })).rejects.toBeInstanceOf(NotClipOwner);
    expect(await s.getClip("del_a")).toEqual(rec);

    expect(await s.deleteClip("del_a", { platform: "discord", userId: "alice" })).toBe(true);
    expect(await s.getClip("del_a")).toBeUndefined();
    await expect(s.readBlob(rec.files.video)).rejects.toBeInstanceOf(BlobNotFound);
    expect(await s.hasBlob(rec.files.preview!)).toBe(false);
    // The child survives; its lineage starts after the gap.
    expect((await s.lineage("del_child")).map((x) => x.id)).toEqual(["del_child"]);
    expect(await s.deleteClip("del_a", { platform: "discord", userId: "alice" })).toBe(false);

    await s.putClip(clip("bob", { id: "del_b" }), blobs("b"));
    expect(await s.deleteClip("del_b", { platform: "discord", userId: "moderator", manager: true, serverId: "g1" })).toBe(true);
  });

  it("keeps loose blobs (conditioning frames, previews) and refuses unsafe keys", async () => {
    const key = await s.putBlob(Buffer.from([1, 2, 3]), "png");
    expect(key).toMatch(/^frames\/[0-9a-f-]{36}\.png$/);
    expect(await s.hasBlob(key)).toBe(true);
    expect([...(await s.readBlob(key))]).toEqual([1, 2, 3]);
    expect(await s.putBlob(Buffer.from("p"), "webp", "preview")).toMatch(/^previews\//);
    expect(await s.hasBlob("frames/nope.png")).toBe(false);
    await expect(s.readBlob("frames/../../secret")).rejects.toBeInstanceOf(BadStoreInput);
    await expect(s.putBlob(Buffer.from("x"), "../sh")).rejects.toBeInstanceOf(BadStoreInput);
    await expect(s.putClip(clip("a", { id: "../up" }), blobs("x"))).rejects.toBeInstanceOf(BadStoreInput);
  });
});

describe("openStore", () => {
  it("picks the backend from SORA_STORE", async () => {
    const fs = openStore({ SORA_STORE: "fs", SORA_STORE_DIR: join(world.dir(), "env-fs") });
    expect(fs).toBeInstanceOf(FsClipStore);
    const rs = openStore({ SORA_STORE: "redis", SORA_STORE_PREFIX: testPrefix("env") });
    expect(rs).toBeInstanceOf(RedisClipStore);
    await rs.close();
    expect(() => openStore({ SORA_STORE: "s3" })).toThrow(/SORA_STORE must be "fs" or "redis"/);
  });
});
