// The store forgets: by age, and by size with the most dormant conversations first, never a clip whose lineage or
// thread is still active. Run against every backend.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClipLinks } from "../../bot/core/links.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import { applyRetention } from "../../engine/store/retention.ts";
import type { ClipStore, NewClip } from "../../engine/store/types.ts";
import { storeBackends } from "./backends.ts";

const world = storeBackends("retention");
const backends = world.backends;

const DAY = 24 * 3600_000;
const NOW = Date.parse("2026-06-01T00:00:00Z");

function clip(id: string, daysAgo: number, thread: string, parentId?: string): NewClip {
  return {
    id, kind: parentId ? "extend" : "generate", prompt: "a ball", expandedPrompt: "a ball", seed: 1, params: {},
    origin: { platform: "slack", userId: "u1", serverId: "T1", conversation: thread, locale: "en" },
    frames: { width: 64, height: 64, fps: 8, count: 17 },
    createdAt: new Date(NOW - daysAgo * DAY).toISOString(),
    ...(parentId ? { parentId } : {}),
  };
}
/** 1000 bytes of video per clip, so sizes are easy to count. */
const files = { video: { data: Buffer.alloc(1000, 1), ext: "mp4" } };

async function ids(s: ClipStore): Promise<string[]> {
  const out: string[] = [];
  for await (const rec of s.listClips()) out.push(rec.id);
  return out.sort();
}

describe.each(backends)("%s store retention", (_name, make) => {
  it("removes clips past the age limit unless their lineage or thread is still active", async () => {
    const s = make();
    await s.putClip(clip("old_alone", 40, "t-dead"), files);
    await s.putClip(clip("old_root", 40, "t-a"), files);
    await s.putClip(clip("new_child", 2, "t-b", "old_root"), files);   // the lineage is alive
    await s.putClip(clip("old_in_thread", 50, "t-c"), files);
    await s.putClip(clip("new_in_thread", 1, "t-c"), files);           // the thread is alive
    const links = new ClipLinks(world.redis(), s, { prefix: world.prefix("retention-links") });
    await links.linkMessage("slack", "msg-dead", "old_alone");
    const report = await applyRetention(s, { maxAgeMs: 30 * DAY, maxBytes: 0, now: () => NOW });
    expect(report).toMatchObject({ scanned: 5, bytes: 5000, expired: ["old_alone"], freedBytes: 1000, keptLive: 2, overBudgetBytes: 0 });
    expect(await ids(s)).toEqual(["new_child", "new_in_thread", "old_in_thread", "old_root"]);
    expect(await links.clipForMessage("slack", "msg-dead")).toBeUndefined();
    expect(await s.hasBlob("clips/old_alone/video.mp4")).toBe(false);
  });

  it("over the size budget removes the most dormant conversations first and never an active one", async () => {
    const s = make();
    await s.putClip(clip("a1", 20, "t-a"), files);
    await s.putClip(clip("a2", 3, "t-a"), files);      // conversation a: last active 3 days ago
    await s.putClip(clip("b1", 9, "t-b"), files);      // conversation b: 9 days ago (most dormant)
    await s.putClip(clip("c1", 0.1, "t-c"), files);    // conversation c: active today
    await s.putClip(clip("c2", 0.05, "t-c"), files);
    const first = await applyRetention(s, { maxAgeMs: 0, maxBytes: 3500, now: () => NOW });
    expect(first.expired).toEqual(["b1", "a1"]);
    expect(first.overBudgetBytes).toBe(0);
    // A budget only the active conversation could meet: everything dormant goes, and the rest is reported.
    const second = await applyRetention(s, { maxAgeMs: 0, maxBytes: 500, now: () => NOW });
    expect(second.expired).toEqual(["a2"]);
    expect(second.overBudgetBytes).toBe(1500);
    expect(await ids(s)).toEqual(["c1", "c2"]);
  });

  it("keeps everything with no limits set", async () => {
    const s = make();
    await s.putClip(clip("ancient", 4000, "t-x"), files);
    expect((await applyRetention(s, { maxAgeMs: 0, maxBytes: 0, now: () => NOW })).expired).toEqual([]);
    expect(await ids(s)).toEqual(["ancient"]);
  });
});

describe("scheduled retention in the engine workers", () => {
  it("one sweep at a time across processes, with the operator's limits from the environment", async () => {
    const { scheduleRetention } = await import("../../engine/worker/retention.ts");
    const s = new FsClipStore(join(world.dir(), `sched-${Math.random()}`));
    await s.putClip(clip("stale", 3650, "t-old"), files);
    const prefix = world.prefix("retention-lock");
    process.env.SORA_STORE_MAX_AGE_DAYS = "30";
    try {
      const logs: string[] = [];
      const a = scheduleRetention({ store: s, redis: world.redis(), prefix, log: (l) => logs.push(l) });
      const b = scheduleRetention({ store: s, redis: world.redis(), prefix, log: (l) => logs.push(l) });
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      a.stop();
      b.stop();
      expect([ra, rb].filter(Boolean)).toHaveLength(1);
      expect((ra ?? rb)!.expired).toEqual(["stale"]);
      expect(logs.join("\n")).toMatch(/1 of 1 clips removed/);
    } finally {
      delete process.env.SORA_STORE_MAX_AGE_DAYS;
    }
  });
});
