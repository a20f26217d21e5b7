// Typed events over QueueEvents: what a real BullMQ worker reports reaches subscribers in our shapes.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permanentFailure } from "../../engine/queue/errors.ts";
import { ClipEvents, type ClipEventMap } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import type { JobProgress } from "../../engine/queue/progress.ts";
import { cleanup, job, redis, testPrefix, trivialWorker, until } from "./helpers.ts";

let r: Redis;
const prefix = testPrefix("events");
let p: Producer;
let events: ClipEvents;
const seen: { [K in keyof ClipEventMap]?: ClipEventMap[K][] } = {};
beforeAll(async () => {
  r = redis();
  p = new Producer({ prefix, redis: redis() });
  events = new ClipEvents({ prefix, redis: redis() });
  for (const name of ["progress", "completed", "failed", "cancelled", "active"] as const) {
    seen[name] = [];
    events.on(name, (e) => (seen[name] as unknown[]).push(e));
  }
  await events.ready();
});
afterAll(async () => {
  await events.close();
  await p.close();
  await cleanup(r, prefix);
  await r.quit();
});

describe("ClipEvents", () => {
  it("delivers active, progress and completed with the clip id, and status shows the clip", async () => {
    const { jobId } = await p.enqueue(job("alice"));
    const w = trivialWorker(prefix, async (j) => {
      const steps = 3;
      for (let step = 1; step <= steps; step++) {
        const progress: JobProgress = { stage: "denoise", step, steps, etaSeconds: steps - step, previewRef: `previews/p${step}.png` };
        await j.updateProgress(progress);
      }
      return { clipId: "clip_done" };
    });
    void w.run();
    await until(() => (seen.completed ?? []).some((e) => e.jobId === jobId));
    await w.close();
    expect(seen.active).toContainEqual({ jobId });
    expect(seen.progress?.filter((e) => e.jobId === jobId)).toEqual([1, 2, 3].map((step) => ({
      jobId, stage: "denoise", step, steps: 3, etaSeconds: 3 - step, previewRef: `previews/p${step}.png`,
    })));
    expect(seen.completed).toContainEqual({ jobId, clipId: "clip_done" });
    expect(await p.status(jobId)).toMatchObject({ state: "completed", clipId: "clip_done" });
  });

  it("delivers a permanent failure once, with its reason and locale key, without retries", async () => {
    const { jobId } = await p.enqueue(job("bob"));
    let attempts = 0;
    const w = trivialWorker(prefix, async () => {
      attempts++;
      throw permanentFailure("queue.failed.missingParent", "parent clip clip_x is gone");
    });
    void w.run();
    await until(() => (seen.failed ?? []).some((e) => e.jobId === jobId));
    await w.close();
    expect(seen.failed?.filter((e) => e.jobId === jobId)).toEqual([
      { jobId, reason: "parent clip clip_x is gone", userMessageKey: "queue.failed.missingParent" },
    ]);
    expect(attempts).toBe(1);
    expect(await p.status(jobId)).toMatchObject({
      state: "failed",
      reason: "parent clip clip_x is gone",
      userMessageKey: "queue.failed.missingParent",
    });
  });

  it("turns removal of a waiting job into `cancelled`", async () => {
    const { jobId } = await p.enqueue(job("carol"));
    await p.cancel(jobId, { platform: "playground", userId: "carol" });
    await until(() => (seen.cancelled ?? []).some((e) => e.jobId === jobId));
  });
});
