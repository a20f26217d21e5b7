// Cancelling a running job stops the model between steps: the pipeline's generate rejects with GenerateAborted, the
// job ends `cancelled` (no retry, no clip), and the worker takes the next job. Also covers a cancel whose announcement
// was missed (only the Redis flag is set) and shutdown handing a running job back to the queue.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerateAborted, loadPipeline, type Pipeline } from "../../engine/pipeline/index.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { ownKeys } from "../../engine/queue/keys.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { clipIdForJob, startEngineWorker, type EngineWorker } from "../../engine/worker/index.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { cheapJob, cleanup, completedClip, outcomes, redis, tempStore, testPrefix, until, type TempStore } from "./helpers.ts";

const TP = findTestPack();

describe.skipIf(!TP.dir)(`pipeline abort (${TP.reason})`, () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await loadPipeline({ modelDir: TP.dir, threads: 1 });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it("stops a generation between denoise steps, and the model is free again at once", async () => {
    const ac = new AbortController();
    const steps: number[] = [];
    const t0 = performance.now();
    const run = pipeline.generate({
      prompt: "a red ball", steps: 100, seed: 1, signal: ac.signal,
      onProgress: (p) => {
        if (p.stage !== "denoise") return;
        steps.push(p.step);
        if (p.step === 2) ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(GenerateAborted);
    // The flag is read before the next step: at most one more step ran.
    expect(Math.max(...steps)).toBeLessThanOrEqual(3);
    const aborted = performance.now() - t0;
    const r = await pipeline.generate({ prompt: "a red ball", steps: 2, seed: 1, frames: 5 });
    expect(r.clip.frames).toHaveLength(5);
    // A signal that is already aborted never reaches the model.
    const pre = new AbortController();
    pre.abort();
    await expect(pipeline.generate({ prompt: "x", signal: pre.signal })).rejects.toBeInstanceOf(GenerateAborted);
    expect(aborted).toBeLessThan(30_000);
  });
});

describe.skipIf(!TP.dir)(`engine worker: cancel and shutdown (${TP.reason})`, () => {
  const prefix = testPrefix("worker-cancel");
  let r: Redis;
  let ts: TempStore;
  let worker: EngineWorker | undefined;
  let producer: Producer;
  let events: ClipEvents;
  let seen: ReturnType<typeof outcomes>;
  const denoising = new Set<string>();
  /** 100 steps of a 2-second clip: tens of seconds on two cores, so it is surely running when cancelled. */
  const longJob = () => cheapJob({ prompt: "a yellow star spins", steps: 100, seconds: 2 });

  beforeAll(async () => {
    r = redis();
    ts = tempStore();
    worker = await startEngineWorker({ redis: redis(), prefix, store: ts.store, modelDir: TP.dir, threads: 1, log: () => undefined });
    const many = { max: 1000, windowSeconds: 60 };
    producer = new Producer({ prefix, redis: redis(), rateLimits: { user: many, server: many } });
    events = new ClipEvents({ prefix, redis: redis() });
    await events.ready();
    seen = outcomes(events);
    events.on("progress", (p) => p.stage === "denoise" && denoising.add(p.jobId));
  });
  afterAll(async () => {
    await events?.close();
    await producer?.close();
    await worker?.close();
    await cleanup(r, prefix);
    await r.quit();
    ts.remove();
  });

  it("stops a running job: `cancelled`, no clip, no retry; the next job runs", async () => {
    const running = await producer.enqueue(longJob());
    const next = await producer.enqueue(cheapJob());
    await until(() => denoising.has(running.jobId));
    const t0 = Date.now();
    expect(await producer.cancel(running.jobId, { platform: "playground", userId: "tester" })).toBe("cancelling");
    expect(await seen.wait(running.jobId)).toEqual({ kind: "cancelled" });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await producer.status(running.jobId)).toMatchObject({ state: "cancelled" });
    expect((await producer.queue.getJob(running.jobId))?.attemptsMade).toBe(1);
    await completedClip(seen.wait(next.jobId));
    expect(await ts.store.getClip(clipIdForJob(running.jobId))).toBeUndefined();
  });

  it("stops it too when the announcement was missed (the Redis flag alone, polled every second)", async () => {
    const running = await producer.enqueue(longJob());
    await until(() => denoising.has(running.jobId));
    await r.set(ownKeys(prefix).cancel(running.jobId), "tester");
    expect(await seen.wait(running.jobId, 10_000)).toEqual({ kind: "cancelled" });
    expect(await ts.store.getClip(clipIdForJob(running.jobId))).toBeUndefined();
  });

  it("on close, lets a running job finish within the grace period", async () => {
    const { jobId } = await producer.enqueue(cheapJob({ steps: 6 }));
    await until(async () => (await producer.status(jobId)).state === "running");
    await worker!.close();
    worker = undefined;
    expect(await producer.status(jobId)).toMatchObject({ state: "completed", clipId: clipIdForJob(jobId) });
  });

  it("after the grace period, gives a running job back to the queue; another worker renders it, once", async () => {
    process.env.SORA_WORKER_GRACE_MS = "300";
    try {
      worker = await startEngineWorker({ redis: redis(), prefix, store: ts.store, modelDir: TP.dir, threads: 1, log: () => undefined });
    } finally {
      delete process.env.SORA_WORKER_GRACE_MS;
    }
    // Long enough to outlast the 300 ms grace, short enough to render again below.
    const { jobId } = await producer.enqueue(cheapJob({ prompt: "a yellow star spins", steps: 30, seconds: 2 }));
    await until(() => denoising.has(jobId));
    await worker.close();
    worker = undefined;
    expect(await producer.status(jobId)).toMatchObject({ state: "waiting", position: 0 });
    expect(seen.all(jobId)).toEqual([]);

    worker = await startEngineWorker({ redis: redis(), prefix, store: ts.store, modelDir: TP.dir, threads: 1, log: () => undefined });
    const clipId = await completedClip(seen.wait(jobId, 120_000));
    expect(clipId).toBe(clipIdForJob(jobId));
    expect(seen.all(jobId)).toHaveLength(1);
    // Started twice, but the hand-back used no attempt: only the completing run counts (retries are kept for faults).
    const j = await producer.queue.getJob(jobId);
    expect(j?.attemptsStarted).toBe(2);
    expect(j?.attemptsMade).toBe(1);
  }, 180_000);
});
