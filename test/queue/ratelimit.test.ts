// Per-user and per-server rate limits, enforced in Redis across producers.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimited } from "../../engine/queue/errors.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { cleanup, job, redis, testPrefix } from "./helpers.ts";

let r: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  r = redis();
});
afterAll(async () => {
  for (const p of prefixes) await cleanup(r, p);
  await r.quit();
});

function producer(limits: { user: [number, number]; server: [number, number] }) {
  const prefix = testPrefix("rate");
  prefixes.push(prefix);
  return new Producer({
    prefix,
    redis: redis(),
    rateLimits: {
      user: { max: limits.user[0], windowSeconds: limits.user[1] },
      server: { max: limits.server[0], windowSeconds: limits.server[1] },
    },
  });
}

async function rejection(p: Promise<unknown>): Promise<RateLimited> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimited);
  return err as RateLimited;
}

describe("rate limits", () => {
  it("a user over the limit gets RateLimited with a retry time; other users are unaffected", async () => {
    const p = producer({ user: [3, 600], server: [100, 600] });
    for (let i = 0; i < 3; i++) await p.enqueue(job("alice"));
    const err = await rejection(p.enqueue(job("alice")));
    expect(err).toMatchObject({ scope: "user", limit: 3, windowSeconds: 600, userMessageKey: "queue.rateLimited.user" });
    expect(err.retryAfterSeconds).toBeGreaterThan(0);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(600);
    // Nothing was queued for the refused job.
    expect(await p.queue.count()).toBe(3);
    await expect(p.enqueue(job("bob"))).resolves.toMatchObject({ duplicate: false });
    await p.close();
  });

  it("a server over its limit refuses everyone there, but not other servers or DMs", async () => {
    const p = producer({ user: [10, 600], server: [4, 600] });
    for (let i = 0; i < 4; i++) await p.enqueue(job(`user${i}`));
    const err = await rejection(p.enqueue(job("newcomer")));
    expect(err).toMatchObject({ scope: "server", limit: 4, userMessageKey: "queue.rateLimited.server" });
    const other = job("newcomer");
    await expect(p.enqueue({ ...other, origin: { ...other.origin, serverId: "server-2" } })).resolves.toBeDefined();
    const dm = job("newcomer");
    const { serverId: _, ...noServer } = dm.origin;
    await expect(p.enqueue({ ...dm, origin: noServer })).resolves.toBeDefined();
    await p.close();
  });

  it("a duplicate event at the limit is answered as a duplicate and uses no slot", async () => {
    const p = producer({ user: [2, 600], server: [100, 600] });
    const first = job("carol");
    await p.enqueue(first);
    await p.enqueue(job("carol"));
    await expect(p.enqueue(first)).resolves.toMatchObject({ duplicate: true });
    await rejection(p.enqueue(job("carol")));
    await p.close();
  });

  it("concurrent producers never admit more than the limit", async () => {
    const p = producer({ user: [5, 600], server: [100, 600] });
    const limits = { user: { max: 5, windowSeconds: 600 }, server: { max: 100, windowSeconds: 600 } };
    const others = [p, ...Array.from({ length: 2 }, () => new Producer({ prefix: p.prefix, redis: redis(), rateLimits: limits }))];
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => others[i % 3].enqueue(job("dave"))));
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(5);
    expect(results.filter((x) => x.status === "rejected" && x.reason instanceof RateLimited)).toHaveLength(7);
    for (const x of others) await x.close();
  });

  it("the window slides: after retryAfterSeconds the user may enqueue again", async () => {
    // A 3 s window: long enough that the second call surely lands inside it even on a starved CPU.
    const p = producer({ user: [1, 3], server: [100, 600] });
    await p.enqueue(job("erin"));
    const err = await rejection(p.enqueue(job("erin")));
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(3);
    await new Promise((res) => setTimeout(res, err.retryAfterSeconds * 1000 + 50));
    await expect(p.enqueue(job("erin"))).resolves.toMatchObject({ duplicate: false });
    await p.close();
  });
});
