// Duplicate platform events (Slack retries, a redelivered interaction) must enqueue exactly one job.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admit } from "../../engine/queue/admit.ts";
import { jobIdForEvent, ownKeys, userKey } from "../../engine/queue/keys.ts";
import { RETENTION, RETRY } from "../../engine/queue/limits.ts";
import { ORPHANED_AFTER_MS, Producer } from "../../engine/queue/producer.ts";
import { recordRunTime } from "../../engine/queue/stats.ts";
import { cleanup, job, redis, testPrefix } from "./helpers.ts";

let r: Redis;
const prefix = testPrefix("idem");
const producers: Producer[] = [];
beforeAll(() => {
  r = redis();
  for (let i = 0; i < 3; i++) producers.push(new Producer({ prefix, redis: redis() }));
});
afterAll(async () => {
  for (const p of producers) await p.close();
  await cleanup(r, prefix);
  await r.quit();
});

describe("idempotent enqueue", () => {
  it("the same eventId twice gives one job and the same answer", async () => {
    const j = job("alice");
    const a = await producers[0].enqueue(j);
    const b = await producers[1].enqueue(j);
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ jobId: a.jobId, duplicate: true, position: a.position });
    const counts = await producers[0].queue.getJobCounts("prioritized", "waiting");
    expect(counts.prioritized + counts.waiting).toBe(1);
  });

  it("ten concurrent deliveries of one event from three producers queue one job", async () => {
    const j = job("bob");
    const before = await producers[0].queue.count();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => producers[i % 3].enqueue(j)));
    expect(results.filter((x) => !x.duplicate)).toHaveLength(1);
    expect(new Set(results.map((x) => x.jobId)).size).toBe(1);
    expect((await producers[0].queue.count()) - before).toBe(1);
  });

  it("the same eventId on another platform is a different event", async () => {
    const j = job("carol");
    const a = await producers[0].enqueue(j);
    const b = await producers[0].enqueue({ ...j, origin: { ...j.origin, platform: "discord" } });
    expect(b.duplicate).toBe(false);
    expect(b.jobId).not.toBe(a.jobId);
  });

  it("event ids with characters BullMQ refuses (':' or all digits) still map to one stable job id", async () => {
    const colon = job("dave", { eventId: "T123:C456:1700000000.000100" });
    const digits = job("dave", { eventId: "123456789012345678" });
    const a = await producers[0].enqueue(colon);
    const b = await producers[0].enqueue(digits);
    expect(a.jobId).not.toContain(":");
    expect(b.jobId).toBe("playground-123456789012345678");
    expect((await producers[1].enqueue(colon)).jobId).toBe(a.jobId);
  });

  it("queues with retention and retry options, so finished jobs do not pile up in Redis", async () => {
    const { jobId } = await producers[0].enqueue(job("frank"));
    const opts = (await producers[0].queue.getJob(jobId))!.opts;
    expect(opts).toMatchObject({
      attempts: RETRY.attempts,
      backoff: { type: "exponential", delay: RETRY.backoffMs },
      removeOnComplete: { age: RETENTION.completedSeconds, count: RETENTION.completedCount },
      removeOnFail: { age: RETENTION.failedSeconds, count: RETENTION.failedCount },
    });
    expect(await r.ttl(`${prefix}:clips:x:event:${jobId}`)).toBeGreaterThan(RETENTION.failedSeconds - 60);
  });

  it("reports position and an ETA from recorded run times", async () => {
    const p = new Producer({ prefix: testPrefix("eta"), redis: redis(), workerSlots: 2 });
    try {
      // Run times 10 s and 30 s: the moving average is 20 s.
      await recordRunTime(r, p.prefix, 10_000);
      await recordRunTime(r, p.prefix, 30_000);
      const res = [];
      for (let i = 0; i < 5; i++) res.push(await p.enqueue(job(`user${i}`)));
      expect(res.map((x) => x.position)).toEqual([0, 1, 2, 3, 4]);
      // Two slots: jobs 0-1 finish after one run (20 s), 2-3 after two, 4 after three.
      expect(res.map((x) => x.etaSeconds)).toEqual([20, 20, 40, 40, 60]);
      const st = await p.status(res[4].jobId);
      expect(st).toMatchObject({ state: "waiting", position: 4, etaSeconds: 60 });
      const info = await p.queueInfo({ platform: "playground", userId: "user3" });
      expect(info).toMatchObject({ waiting: 5, running: 0, avgRunSeconds: 20 });
      expect(info.mine?.map((s) => s.jobId)).toEqual([res[3].jobId]);
    } finally {
      await cleanup(r, p.prefix);
      await p.close();
    }
  });
});

describe("an admission whose process stopped before queue.add", () => {
  /** What a producer that died between its two Redis calls leaves: the admission, no job. */
  async function admitOnly(p: Producer, j: ReturnType<typeof job>, ageMs: number): Promise<string> {
    const jobId = jobIdForEvent(j.origin.platform, j.eventId);
    const keys = ownKeys(prefix);
    const uk = userKey(j.origin.platform, j.origin.userId);
    const a = await admit(r, {
      event: keys.event(jobId), rateUser: keys.rateUser(uk), rateServer: keys.rateServer(`playground/${j.origin.serverId}`),
      fairLast: keys.fairLast, prioritized: p.queue.keys.prioritized, userJobs: keys.userJobs(uk), pending: keys.pending(jobId),
    }, { jobId, userKey: uk, hasServer: true, limits: { user: { max: 100, windowSeconds: 60 }, server: { max: 100, windowSeconds: 60 } }, eventTtlSeconds: RETENTION.eventSeconds });
    expect(a.kind).toBe("ok");
    // Age the admission: its pending mark's time to live says when it was made.
    await r.pexpire(keys.pending(jobId), RETENTION.eventSeconds * 1000 - ageMs);
    return jobId;
  }

  it("is queued when the event comes again, once, and never while an add may still be in flight", async () => {
    const fresh = job("gina");
    const freshId = await admitOnly(producers[0], fresh, 1000);
    // A second delivery while the first producer may still be adding: told duplicate, nothing queued by it.
    expect(await producers[1].enqueue(fresh)).toMatchObject({ jobId: freshId, duplicate: true });
    expect(await producers[1].queue.getJob(freshId)).toBeUndefined();

    const orphan = job("hank");
    const orphanId = await admitOnly(producers[0], orphan, ORPHANED_AFTER_MS + 1000);
    const again = await Promise.all([producers[1].enqueue(orphan), producers[2].enqueue(orphan)]);
    expect(again.map((x) => x.duplicate)).toEqual([true, true]);
    const queued = await producers[1].queue.getJob(orphanId);
    expect(queued?.data.eventId).toBe(orphan.eventId);
    expect(queued?.opts.priority).toBeGreaterThanOrEqual(1);
    expect(await r.exists(ownKeys(prefix).pending(orphanId))).toBe(0);
  });

  it("a cancelled job whose mark outlived a crash after its add is not queued again", async () => {
    const j = job("jack");
    const jobId = await admitOnly(producers[0], j, ORPHANED_AFTER_MS + 1000);
    await r.set(ownKeys(prefix).cancel(jobId), "playground/jack");
    expect(await producers[1].enqueue(j)).toMatchObject({ jobId, duplicate: true });
    expect(await producers[1].queue.getJob(jobId)).toBeUndefined();
  });

  it("a job queued normally leaves no pending mark, so its later removal never queues it again", async () => {
    const j = job("ivy");
    const { jobId } = await producers[0].enqueue(j);
    expect(await r.exists(ownKeys(prefix).pending(jobId))).toBe(0);
    await (await producers[0].queue.getJob(jobId))!.remove();
    expect(await producers[1].enqueue(j)).toMatchObject({ jobId, duplicate: true });
    expect(await producers[1].queue.getJob(jobId)).toBeUndefined();
  });
});
