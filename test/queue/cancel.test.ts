// Cancel removes a waiting job and stops a running one (through the Redis flag a real BullMQ worker checks).
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throwIfCancelled, watchCancels } from "../../engine/queue/cancel.ts";
import { JobCancelled, NotAllowed } from "../../engine/queue/errors.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { cleanup, job, redis, testPrefix, trivialWorker, until } from "./helpers.ts";

let r: Redis;
/** The helpers' jobs come from the playground, server-1. */
const as = (userId: string, more: { manager?: boolean; serverId?: string; platform?: string } = {}) =>
  ({ platform: "playground", userId, ...more });
const prefix = testPrefix("cancel");
let p: Producer;
beforeAll(() => {
  r = redis();
  p = new Producer({ prefix, redis: redis() });
});
afterAll(async () => {
  await p.close();
  await cleanup(r, prefix);
  await r.quit();
});

describe("cancel", () => {
  it("removes a waiting job; the others keep their order and move up", async () => {
    const a = await p.enqueue(job("alice"));
    const b = await p.enqueue(job("bob"));
    const c = await p.enqueue(job("carol"));
    expect(c.position).toBe(2);
    expect(await p.cancel(b.jobId, as("bob"))).toBe("removed");
    expect(await p.queue.getJob(b.jobId)).toBeUndefined();
    expect(await p.status(b.jobId)).toMatchObject({ state: "cancelled" });
    expect(await p.status(a.jobId)).toMatchObject({ state: "waiting", position: 0 });
    expect(await p.status(c.jobId)).toMatchObject({ state: "waiting", position: 1 });
    // Cancelling again is harmless.
    expect(await p.cancel(b.jobId, as("bob"))).toBe("finished");
    for (const x of [a, c]) await p.cancel(x.jobId, as("", { manager: true, serverId: "server-1" }));
  });

  it("refuses someone else's job unless the caller manages the server it came from", async () => {
    const a = await p.enqueue(job("alice"));
    await expect(p.cancel(a.jobId, as("mallory"))).rejects.toBeInstanceOf(NotAllowed);
    // A manager right holds in its own server and platform only.
    await expect(p.cancel(a.jobId, as("moderator", { manager: true, serverId: "server-2" }))).rejects.toBeInstanceOf(NotAllowed);
    await expect(p.cancel(a.jobId, as("moderator", { manager: true }))).rejects.toBeInstanceOf(NotAllowed);
    await expect(p.cancel(a.jobId, as("moderator", { manager: true, serverId: "server-1", platform: "slack" }))).rejects.toBeInstanceOf(NotAllowed);
    expect(await p.status(a.jobId)).toMatchObject({ state: "waiting" });
    expect(await p.cancel(a.jobId, as("moderator", { manager: true, serverId: "server-1" }))).toBe("removed");
    expect(await p.cancel("playground-no-such-job", as("alice"))).toBe("not-found");
  });

  it("identity is platform + user: the same id on another platform is someone else", async () => {
    const discordJob = await p.enqueue({ ...job("123456789012345678"), origin: { ...job("x").origin, platform: "discord", userId: "123456789012345678" } });
    // A playground session may name itself anything, a Discord user's public id included.
    await expect(p.cancel(discordJob.jobId, as("123456789012345678"))).rejects.toBeInstanceOf(NotAllowed);
    await expect(p.cancel(discordJob.jobId, as("123456789012345678", { platform: "slack" }))).rejects.toBeInstanceOf(NotAllowed);
    expect(await p.status(discordJob.jobId)).toMatchObject({ state: "waiting" });
    expect(await p.cancel(discordJob.jobId, as("123456789012345678", { platform: "discord" }))).toBe("removed");
  });

  it("stops a running job: the worker sees the flag, the job fails as cancelled, adapters get `cancelled`", async () => {
    const events = new ClipEvents({ prefix, redis: redis() });
    await events.ready();
    const cancelledEvents: string[] = [];
    events.on("cancelled", (e) => cancelledEvents.push(e.jobId));

    let started = false;
    const worker = trivialWorker(prefix, async (j, _token, signal) => {
      started = true;
      // A long job that checks between "steps", as the engine worker does; the loop bound is only a hang guard.
      for (let step = 0; step < 3000; step++) {
        if (signal?.aborted) throw new JobCancelled();
        await throwIfCancelled(r, prefix, j.id!);
        await new Promise((res) => setTimeout(res, 10));
      }
      return { clipId: "never" };
    });
    // The announcement path: the worker aborts the job's AbortSignal as soon as the cancel is published.
    const sub = redis();
    const announced: string[] = [];
    const stopWatching = await watchCancels(sub, prefix, (id) => {
      announced.push(id);
      worker.cancelJob(id);
    });
    const running = await p.enqueue(job("dave"));
    void worker.run();
    await until(() => started);
    expect(await p.status(running.jobId)).toMatchObject({ state: "running" });

    await expect(p.cancel(running.jobId, as("erin"))).rejects.toBeInstanceOf(NotAllowed);
    expect(await p.cancel(running.jobId, as("dave"))).toBe("cancelling");
    await until(async () => (await p.status(running.jobId)).state === "cancelled");
    await until(() => cancelledEvents.includes(running.jobId));
    await until(() => announced.includes(running.jobId));
    // Not retried: an UnrecoverableError ends the job at its first attempt.
    expect((await p.queue.getJob(running.jobId))?.attemptsMade).toBe(1);

    await stopWatching();
    await sub.quit();
    await worker.close();
    await events.close();
  });
});
