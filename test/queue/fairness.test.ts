// 200 jobs from 20 users, user 0 first with 50: the order a real BullMQ worker takes them must interleave users.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Producer } from "../../engine/queue/producer.ts";
import { cleanup, job, redis, testPrefix, trivialWorker, until } from "./helpers.ts";

const LOOSE = { user: { max: 1000, windowSeconds: 600 }, server: { max: 10000, windowSeconds: 600 } };

let r: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  r = redis();
});
afterAll(async () => {
  for (const p of prefixes) await cleanup(r, p);
  await r.quit();
});

/** Run every queued job through one worker slot; returns user ids in the order jobs started. */
async function drain(prefix: string, total: number): Promise<string[]> {
  const order: string[] = [];
  const worker = trivialWorker(prefix, async (j) => {
    order.push(j.data.origin.userId);
    return { clipId: `clip-${j.id}` };
  });
  void worker.run();
  await until(() => order.length >= total, 120_000);
  await worker.close();
  return order;
}

describe("per-user fairness", () => {
  it("interleaves 20 users round-robin although user 0 queued 50 jobs first (4 producers at once)", async () => {
    const prefix = testPrefix("fair");
    prefixes.push(prefix);
    // Four producers on four connections stand in for four bot processes.
    const producers = Array.from({ length: 4 }, () => new Producer({ prefix, rateLimits: LOOSE, redis: redis() }));
    for (let i = 0; i < 50; i++) await producers[0].enqueue(job("u0"));
    // Users 1..19 enqueue the other 150 (8 each for users 1..17, 7 for users 18 and 19), all at once, each user's
    // jobs in order, spread over the producers.
    const count = (u: number) => (u === 0 ? 50 : u <= 17 ? 8 : 7);
    await Promise.all(
      Array.from({ length: 19 }, async (_, k) => {
        const u = k + 1;
        for (let i = 0; i < count(u); i++) await producers[u % 4].enqueue(job(`u${u}`));
      }),
    );
    const order = await drain(prefix, 200);
    expect(order).toHaveLength(200);

    const users = Array.from({ length: 20 }, (_, u) => `u${u}`);
    // Every user's first job starts among the first 20; more generally their k-th job starts in round k.
    users.forEach((u, ui) => {
      const starts = order.flatMap((x, i) => (x === u ? [i] : []));
      expect(starts).toHaveLength(count(ui));
      for (let k = 1; k <= Math.min(8, count(ui)); k++) expect(starts[k - 1], `${u} job ${k}`).toBeLessThan(20 * k);
    });
    expect(new Set(order.slice(0, 20))).toEqual(new Set(users));
    // User 0's surplus runs last: rounds 1-7 hold 20 jobs, round 8 holds 18, so from index 158 on only u0 is left.
    expect(order.slice(158)).toEqual(Array(42).fill("u0"));

    for (const p of producers) await p.close();
  });

  it("a user arriving while others' jobs are queued joins the current round, not the back", async () => {
    const prefix = testPrefix("fair2");
    prefixes.push(prefix);
    const p = new Producer({ prefix, rateLimits: LOOSE });
    for (let i = 0; i < 5; i++) await p.enqueue(job("a"));
    for (let i = 0; i < 5; i++) await p.enqueue(job("b"));
    const late = await p.enqueue(job("c"));
    // a1 b1 c1 a2 b2 ...: c's job has two ahead of it, not ten.
    expect(late.position).toBe(2);
    const order = await drain(prefix, 11);
    expect(order.slice(0, 6)).toEqual(["a", "b", "c", "a", "b", "a"]);
    await p.close();
  });

  it("with a worker running during enqueue, no user's first job waits behind more than one job per other user", async () => {
    const prefix = testPrefix("fair3");
    prefixes.push(prefix);
    const producers = Array.from({ length: 4 }, () => new Producer({ prefix, rateLimits: LOOSE, redis: redis() }));
    const order: string[] = [];
    const worker = trivialWorker(prefix, async (j) => {
      order.push(j.data.origin.userId);
      // A short yield so the queue actually builds up while producers run.
      await new Promise((r) => setTimeout(r, 2));
      return { clipId: `clip-${j.id}` };
    });
    for (let i = 0; i < 50; i++) await producers[0].enqueue(job("u0"));
    // The worker starts now and runs while the other 19 users enqueue.
    void worker.run();
    // Started-job count at the moment each user's first enqueue returned.
    const startedBefore = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 19 }, async (_, k) => {
        const u = `u${k + 1}`;
        for (let i = 0; i < 8; i++) {
          await producers[(k + 1) % 4].enqueue(job(u));
          if (i === 0) startedBefore.set(u, order.length);
        }
      }),
    );
    await until(() => order.length >= 50 + 19 * 8, 120_000);
    await worker.close();
    for (const [u, before] of startedBefore) {
      const waitedBehind = order.indexOf(u) - before;
      // Ahead of it: at most one job of each of the 19 others in its round, plus the job running (and one whose
      // start the test had not recorded yet): 21. FIFO would put it behind all of user 0's remaining jobs.
      expect(waitedBehind, u).toBeLessThanOrEqual(21);
    }
    for (const p of producers) await p.close();
  });
});
