// JobTakeover with the real DeliveryBook on the real Redis (a prefix of its own, removed afterwards) and the real
// JobFollower, fed by a plain emitter of the queue's events (the follower's JobEventSource contract).
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { JobFollower, type JobEventSource } from "../../bot/core/follow-job.ts";
import { JobTakeover } from "../../bot/core/takeover.ts";
import { bookWorld } from "./books.ts";

const { prefix, redis, book } = bookWorld("takeovertest");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("JobTakeover", () => {
  it("a sweep still under way when close() runs hands the claim it wins straight back", async () => {
    // A process that died holding a delivery: its claim lapses after 100 ms.
    const dead = book("dead", 100);
    const jobId = `job-${randomUUID().slice(0, 6)}`;
    await dead.record({ jobId, platform: "slack", locale: "en", place: { channel: "C1", ts: "1.0" }, createdAt: Date.now() });
    await dead.stop();
    await sleep(200);

    const stopping = book("stopping");
    const resumed: string[] = [];
    const follower = new JobFollower({ events: new EventEmitter() as unknown as JobEventSource, store: { getClip: async () => undefined } });
    const takeover = new JobTakeover({
      platform: "slack", deliveries: stopping, follower, log: () => {}, serves: () => true,
      resume: (d) => resumed.push(d.jobId), everyMs: 60_000,
    });
    takeover.start();   // the first sweep begins at once and awaits Redis…
    takeover.close();   // …while the process stops
    await sleep(300);
    follower.close();

    expect(resumed, "a closed process resumes nothing").toEqual([]);
    expect(stopping.holds(jobId)).toBe(false);
    expect(await redis.get(`${prefix}:owner:${jobId}`), "the claim is free for the next process").toBeNull();
    const next = book("next");
    expect((await next.adopt("slack")).map((d) => d.jobId)).toEqual([jobId]);
  });
});
