// The links an fs clip store kept in its folders before links moved to the bot's Redis keys (bot/core/links.ts) are
// moved there once at start-up (bot/core/link-migration.ts): afterwards a reply to an old clip's message, and an old
// thread, resolve as before. Run twice, or after the marker is lost, it changes nothing; a newer link wins.
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsMigrationMarker, migrateFsLinks } from "../../bot/core/link-migration.ts";
import { ClipLinks } from "../../bot/core/links.ts";
import { startApp } from "../../bot/start/app.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import type { ClipBlobs, ClipRecord, NewClip } from "../../engine/store/types.ts";
import { cleanup, keysUnder, redis, testPrefix } from "../queue/helpers.ts";

let r: Redis;
const prefix = testPrefix("link-migration");
const dirs: string[] = [];

beforeAll(() => {
  r = redis();
});

afterAll(async () => {
  await cleanup(r, prefix);
  await r.quit();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

let t = Date.parse("2026-01-01T00:00:00Z");
function clip(id: string): NewClip {
  t += 1000;
  return {
    id, kind: "generate", prompt: "a red square", expandedPrompt: "a red square", seed: 7, params: {},
    origin: { platform: "slack", userId: "alice", serverId: "T1", locale: "en" },
    frames: { width: 64, height: 64, fps: 8, count: 5 }, createdAt: new Date(t).toISOString(),
  };
}
const blobs: ClipBlobs = { video: { data: Buffer.from("mp4"), ext: "mp4" } };

/** The store's file-name form of a platform id, as engine/store/naming.ts wrote it before links left the store. */
const fileSafe = (s: string) => Buffer.from(s, "utf8").toString("base64url") || "_";

/** What an fs store of an earlier version wrote when a message showed a clip, or a clip was made in a thread. */
function oldMessageLink(dir: string, platform: string, messageId: string, clipId: string): void {
  mkdirSync(join(dir, "messages", platform), { recursive: true });
  writeFileSync(join(dir, "messages", platform, fileSafe(messageId)), clipId);
  mkdirSync(join(dir, "clip-messages", clipId), { recursive: true });
  writeFileSync(join(dir, "clip-messages", clipId, `${platform}~${fileSafe(messageId)}`), "");
}
function oldThreadEntry(dir: string, platform: string, threadId: string, rec: ClipRecord): void {
  const folder = join(dir, "threads", platform, fileSafe(threadId));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${String(Date.parse(rec.createdAt)).padStart(15, "0")}~${rec.id}`), "");
}

async function oldStore() {
  const dir = await mkdtemp(join(tmpdir(), "link-migration-"));
  dirs.push(dir);
  const store = new FsClipStore(dir);
  const [a, b, c] = [await store.putClip(clip("clip_a"), blobs), await store.putClip(clip("clip_b"), blobs), await store.putClip(clip("clip_c"), blobs)];
  oldMessageLink(dir, "slack", "1700000000.123456", a.id);
  oldMessageLink(dir, "slack", "1700000001.000200", b.id);
  oldMessageLink(dir, "discord", "1234567890123456789", c.id);
  oldMessageLink(dir, "playground", "m-1", a.id);
  oldThreadEntry(dir, "slack", "1700000000.000100", a);
  oldThreadEntry(dir, "slack", "1700000000.000100", b);
  oldThreadEntry(dir, "discord", "998877", c);
  // What is no link: a clip deleted since, a half-written file, a platform we do not know, a name that is not the
  // store's encoding, an entry without its clip id.
  oldMessageLink(dir, "slack", "1700000002.000300", "clip_gone");
  writeFileSync(join(dir, "messages", "slack", `${fileSafe("x")}.1234.tmp`), a.id);
  oldMessageLink(dir, "irc", "m-9", a.id);
  writeFileSync(join(dir, "messages", "slack", "not+base64"), a.id);
  writeFileSync(join(dir, "threads", "slack", fileSafe("1700000000.000100"), "000000000000001"), "");
  return { dir, store, a, b, c };
}

/** Every key under a prefix with its value, for comparing whole states. */
async function dump(under: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await keysUnder(r, under)).sort()) {
    const type = await r.type(key);
    out[key] = type === "string" ? await r.get(key) : type === "set" ? (await r.smembers(key)).sort() : await r.zrange(key, "0", "-1", "WITHSCORES");
  }
  return out;
}

describe("moving an fs store's earlier links to Redis", () => {
  it("resolves old messages and threads afterwards, skipping what is no link", async () => {
    const { dir, store, a, b, c } = await oldStore();
    const p = `${prefix}:one`;
    const links = new ClipLinks(r, store, { prefix: p });
    // Before: nothing reads the folders.
    expect(await links.clipForMessage("slack", "1700000000.123456")).toBeUndefined();

    expect(await migrateFsLinks({ redis: r, prefix: p, links, store, dir })).toEqual({ skipped: false, messages: 4, threads: 3, ignored: 3 });
    expect(await links.clipForMessage("slack", "1700000000.123456")).toEqual(a);
    expect(await links.clipForMessage("slack", "1700000001.000200")).toEqual(b);
    expect(await links.clipForMessage("discord", "1234567890123456789")).toEqual(c);
    expect(await links.clipForMessage("playground", "m-1")).toEqual(a);
    expect(await links.clipForMessage("slack", "m-9")).toBeUndefined();
    expect(await links.latestInThread("slack", "1700000000.000100")).toEqual(b);
    expect(await links.clipsInThread("slack", "1700000000.000100")).toEqual([a.id, b.id]);
    expect(await links.clipsInThread("discord", "998877")).toEqual([c.id]);

    // Deleting a clip takes its moved links with it, as it does new ones.
    await links.deleteClip(a.id, { platform: "slack", userId: "alice" });
    expect(await r.exists(`${p}:msg:slack:1700000000.123456`, `${p}:msg:playground:m-1`)).toBe(0);
    expect(await links.clipsInThread("slack", "1700000000.000100")).toEqual([b.id]);
  });

  it("runs once; run again without its marker, it changes nothing, and a message linked since keeps its link", async () => {
    const { dir, store, b, c } = await oldStore();
    const p = `${prefix}:two`;
    const links = new ClipLinks(r, store, { prefix: p });
    // Linked (by the new code) before the migration ran: the newer link wins over the file.
    await links.linkMessage("slack", "1700000001.000200", c.id);

    const first = await migrateFsLinks({ redis: r, prefix: p, links, store, dir });
    expect(first).toMatchObject({ skipped: false, messages: 3 });
    expect(await links.clipForMessage("slack", "1700000001.000200")).toEqual(c);
    const after = await dump(p);
    expect(after[fsMigrationMarker(p, dir)]).toEqual(expect.any(String));

    expect(await migrateFsLinks({ redis: r, prefix: p, links, store, dir })).toEqual({ skipped: true, messages: 0, threads: 0, ignored: 0 });
    // A Redis that lost the marker (and kept the links) gets the same state back.
    await r.del(fsMigrationMarker(p, dir));
    expect(await migrateFsLinks({ redis: r, prefix: p, links, store, dir })).toMatchObject({ skipped: false, messages: 0, threads: 3 });
    const again = await dump(p);
    expect({ ...again, [fsMigrationMarker(p, dir)]: "" }).toEqual({ ...after, [fsMigrationMarker(p, dir)]: "" });
    expect(await links.latestInThread("slack", "1700000000.000100")).toEqual(b);

    // Another store folder on the same Redis has its own marker.
    expect(fsMigrationMarker(p, `${dir}-other`)).not.toBe(fsMigrationMarker(p, dir));
  });

  it("a store with no earlier links: nothing to move, only the marker written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "link-migration-"));
    dirs.push(dir);
    const store = new FsClipStore(dir);
    await store.putClip(clip("clip_new"), blobs);
    const p = `${prefix}:three`;
    expect(await migrateFsLinks({ redis: r, prefix: p, links: new ClipLinks(r, store, { prefix: p }), store, dir }))
      .toEqual({ skipped: false, messages: 0, threads: 0, ignored: 0 });
    expect(Object.keys(await dump(p))).toEqual([fsMigrationMarker(p, dir)]);
  });

  it("start-up moves them (npm start with the fs store)", async () => {
    const { dir, a } = await oldStore();
    const lines: string[] = [];
    const q = `${prefix}-app`;
    const app = await startApp({ worker: false, log: (l) => void lines.push(l), env: { PORT: "0", SORA_QUEUE_PREFIX: q, SORA_STORE_DIR: dir, SORA_LOG_LOCALE: "en" } });
    try {
      expect(lines).toContain(`links: moved 4 message and 3 thread links from ${dir} to Redis`);
      expect(await r.get(`${q}:links:msg:slack:1700000000.123456`)).toBe(a.id);
    } finally {
      await app.close();
      await cleanup(r, q);
    }
  });
});
