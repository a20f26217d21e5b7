// DeliveryBook against the real Redis at 127.0.0.1:6379, under a prefix of its own (removed afterwards). Two books
// with different owners stand for two bot processes sharing one Redis.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../bot/core/deliveries.ts";
import { bookWorld } from "./books.ts";

const { prefix, redis, book } = bookWorld("deliverytest");

let n = 0;
function delivery(serverId = "guild-1"): DeliveryRecord<{ channelId: string; messageId: string }> {
  n += 1;
  return { jobId: `job-${n}-${randomUUID().slice(0, 6)}`, platform: "discord", serverId, locale: "de",
    place: { channelId: "c1", messageId: `m${n}` }, createdAt: Date.now() };
}

describe("DeliveryBook", () => {
  it("a recorded delivery is held by its process: no other process can claim or adopt it", async () => {
    const a = book("a");
    const b = book("b");
    const d = delivery();
    await a.record(d);
    expect(a.holds(d.jobId)).toBe(true);
    expect(await b.claim(d.jobId)).toBeUndefined();
    expect((await b.adopt("discord")).map((x) => x.jobId)).not.toContain(d.jobId);
    expect(await a.stillOurs(d.jobId)).toBe(true);
    expect(await b.stillOurs(d.jobId)).toBe(false);
  });

  it("once released, exactly one of two processes adopts it, with the stored place and locale", async () => {
    const a = book("a2");
    const b = book("b2");
    const c = book("c2");
    const d = delivery();
    await a.record(d);
    await a.release(d.jobId);
    const [fromB, fromC] = await Promise.all([b.adopt("discord"), c.adopt("discord")]);
    const winners = [...fromB, ...fromC].filter((x) => x.jobId === d.jobId);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toEqual(d);
    expect(await a.stillOurs(d.jobId)).toBe(false);
  });

  it("a claim that is not renewed lapses (the process died) and another process adopts the job", async () => {
    const dead = book("dead", 300);
    const d = delivery();
    await dead.record(d);
    await dead.stop();   // no more renewals, as if the process were killed
    await dead.release(d.jobId);   // a stopped book touches Redis no more: this hands nothing back
    const live = book("live");
    expect((await live.adopt("discord")).map((x) => x.jobId)).not.toContain(d.jobId);
    await new Promise((r) => setTimeout(r, 450));
    expect((await live.adopt("discord")).map((x) => x.jobId)).toContain(d.jobId);
  });

  it("a live process keeps its claim past claimMs by renewing it", async () => {
    const a = book("renewing", 300);
    const d = delivery();
    await a.record(d);
    await new Promise((r) => setTimeout(r, 700));
    expect(await book("other").claim(d.jobId)).toBeUndefined();
    expect(await a.stillOurs(d.jobId)).toBe(true);
  });

  it("adopts only deliveries of servers the process serves, and of its own platform", async () => {
    const a = book("a3");
    const mine = delivery("guild-mine");
    const theirs = delivery("guild-theirs");
    const slack = { ...delivery("T1"), platform: "slack" as const };
    for (const d of [mine, theirs, slack]) {
      await a.record(d);
      await a.release(d.jobId);
    }
    const got = (await book("b3").adopt<{ channelId: string }>("discord", (d) => d.serverId === "guild-mine")).map((x) => x.jobId);
    expect(got).toContain(mine.jobId);
    expect(got).not.toContain(theirs.jobId);
    expect(got).not.toContain(slack.jobId);
  });

  it("a finished delivery is gone for everyone", async () => {
    const a = book("a4");
    const d = delivery();
    await a.record(d);
    await a.done(d.jobId, "discord");
    expect(a.holds(d.jobId)).toBe(false);
    expect(await book("b4").claim(d.jobId)).toBeUndefined();
    expect(await redis.zscore(`${prefix}:pending:discord`, d.jobId)).toBeNull();
  });

  it("an expired record is dropped from the pending set instead of being adopted", async () => {
    const a = book("a5");
    const d = delivery();
    await a.record(d);
    await a.release(d.jobId);
    await redis.del(`${prefix}:job:${d.jobId}`);
    expect((await book("b5").adopt("discord")).map((x) => x.jobId)).not.toContain(d.jobId);
    expect(await redis.zscore(`${prefix}:pending:discord`, d.jobId)).toBeNull();
  });
});
