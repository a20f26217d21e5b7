// Worker processes (`npm run engine`'s entry) dying and stopping. kill -9 mid-job: the job's lock lapses, another
// worker's stalled check puts it back, and it is rendered again — one clip in the store, one `completed` event.
// SIGTERM: the running job finishes, then the process exits 0.
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { clipIdForJob } from "../../engine/queue/keys.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { cheapJob, cleanup, completedClip, outcomes, redis, tempStore, testPrefix, until, type TempStore } from "./helpers.ts";
import { spawnWorker, type WorkerProcess } from "./processes.ts";

const TP = findTestPack();

describe.skipIf(!TP.dir)(`engine worker processes (${TP.reason})`, () => {
  const prefix = testPrefix("worker-crash");
  let r: Redis;
  let ts: TempStore;
  let producer: Producer;
  let events: ClipEvents;
  let seen: ReturnType<typeof outcomes>;
  const denoising = new Map<string, number>();
  const started: WorkerProcess[] = [];
  const env = () => ({
    SORA_QUEUE_PREFIX: prefix, SORA_STORE: "fs", SORA_STORE_DIR: ts.dir, SORA_MODEL: TP.dir!, SORA_THREADS: "1",
    // Crash recovery in seconds rather than the production minute.
    SORA_WORKER_LOCK_MS: "2000", SORA_WORKER_STALLED_MS: "1000",
  });
  const worker = () => {
    const w = spawnWorker(env());
    started.push(w);
    return w;
  };

  beforeAll(async () => {
    r = redis();
    ts = tempStore();
    producer = new Producer({ prefix, redis: redis() });
    events = new ClipEvents({ prefix, redis: redis() });
    await events.ready();
    seen = outcomes(events);
    events.on("progress", (p) => p.stage === "denoise" && denoising.set(p.jobId, p.step));
  });
  afterEach(async () => {
    for (const w of started.splice(0)) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill("SIGKILL");
      await w.exited;
    }
  });
  afterAll(async () => {
    await events?.close();
    await producer?.close();
    await cleanup(r, prefix);
    await r.quit();
    ts.remove();
  });

  it("kill -9 mid-job: the job is taken again and stored exactly once", async () => {
    const first = worker();
    await first.ready;
    // 40 steps of a 2-second clip: a few seconds of denoising, so the kill lands mid-job.
    const { jobId } = await producer.enqueue(cheapJob({ prompt: "a red ball bouncing", steps: 40, seconds: 2 }));
    await until(() => (denoising.get(jobId) ?? 0) >= 2);
    first.proc.kill("SIGKILL");
    expect(await first.exited).toBeNull(); // killed by the signal, no exit code
    expect(await producer.status(jobId)).toMatchObject({ state: "running" }); // still locked by the dead worker

    const second = worker();
    await second.ready;
    const clipId = await completedClip(seen.wait(jobId, 120_000));
    expect(clipId).toBe(clipIdForJob(jobId));
    // Give a duplicate completion every chance to show up before counting.
    await new Promise((res) => setTimeout(res, 2500));
    expect(seen.all(jobId)).toEqual([{ kind: "completed", clipId }]);
    expect(ts.clipIds()).toEqual([clipId]);
    const job = await producer.queue.getJob(jobId);
    expect(job?.attemptsStarted).toBe(2);
    expect(second.lines.some((l) => l.includes(`job ${jobId}: its worker stopped renewing the lock`))).toBe(true);
    expect(second.lines.some((l) => l.includes(`job ${jobId} generate: stored clip ${clipId}`))).toBe(true);
  });

  it("SIGTERM: finishes the running job, then exits 0", async () => {
    const w = worker();
    await w.ready;
    const { jobId } = await producer.enqueue(cheapJob({ steps: 12, seconds: 1 }));
    await until(() => denoising.has(jobId));
    w.proc.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    expect(await producer.status(jobId)).toMatchObject({ state: "completed", clipId: clipIdForJob(jobId) });
    expect(w.lines.some((l) => l.includes("SIGTERM: no new jobs"))).toBe(true);
    expect(w.lines.at(-1)).toMatch(/\[engine\] closed$/);
  });
});
