// Redis dying and coming back under load: the worker, the producer and the event reader reconnect on their own, and
// every queued job still ends with a stored clip and a `completed` event. Uses its own redis-server on a spare port
// with an fsync'd append-only file, so the queue survives the restart (without persistence the jobs would vanish).
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer, type EnqueueResult } from "../../engine/queue/producer.ts";
import { clipIdForJob, startEngineWorker } from "../../engine/worker/index.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { cheapJob, completedClip, outcomes, tempStore, until } from "./helpers.ts";
import { redisReady, sparePort, startRedis } from "./processes.ts";

const TP = findTestPack();
const dataDir = mkdtempSync(join(tmpdir(), "sora-redis-"));
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!TP.dir)(`engine worker across a Redis restart (${TP.reason})`, () => {
  it("every job completes with a clip, and the worker picks up jobs again after Redis returns", async () => {
    const port = await sparePort();
    const url = `redis://127.0.0.1:${port}`;
    server = startRedis(port, dataDir);
    await redisReady(port);
    const prefix = "restart";
    const ts = tempStore();
    const logs: string[] = [];
    // A command whose reply is lost in the crash (say, the one that handed the worker its next job) leaves that job
    // locked by nobody; stalled-job recovery frees it once the lock lapses, so keep the lock short here.
    process.env.SORA_WORKER_LOCK_MS = "3000";
    process.env.SORA_WORKER_STALLED_MS = "1000";
    const worker = await startEngineWorker({ redis: url, prefix, store: ts.store, modelDir: TP.dir, threads: 1, log: (l) => logs.push(l) })
      .finally(() => {
        delete process.env.SORA_WORKER_LOCK_MS;
        delete process.env.SORA_WORKER_STALLED_MS;
      });
    const quiet = () => undefined;
    const client = () => connectRedis(url).on("error", quiet); // refused while Redis is down: expected
    const producer = new Producer({ prefix, redis: client(), onError: quiet });
    const events = new ClipEvents({ prefix, redis: client() });
    events.on("error", quiet);
    await events.ready();
    const seen = outcomes(events);
    const denoising = new Set<string>();
    events.on("progress", (p) => p.stage === "denoise" && denoising.add(p.jobId));

    // Several users, so fairness does not matter to the order; each job takes about a second here.
    const jobs: EnqueueResult[] = [];
    for (let i = 0; i < 5; i++) jobs.push(await producer.enqueue(cheapJob({ steps: 8, seconds: 1, origin: { platform: "playground", userId: `u${i}`, locale: "en" } })));
    await completedClip(seen.wait(jobs[0].jobId));
    await until(() => denoising.has(jobs[1].jobId));

    // Down hard in the middle of a render (no shutdown save: the append-only file, fsync'd per write, is all that survives), for a while.
    const exited = once(server, "exit");
    server.kill("SIGKILL");
    await exited;
    const downAt = Date.now();

    await new Promise((res) => setTimeout(res, 1500));
    server = startRedis(port, dataDir);
    await redisReady(port);


    for (const j of jobs) {
      const clipId = await completedClip(seen.wait(j.jobId, 120_000));
      expect(clipId).toBe(clipIdForJob(j.jobId));
      expect(await ts.store.getClip(clipId)).toBeDefined();
      expect(await producer.status(j.jobId)).toMatchObject({ state: "completed", clipId });
    }
    // The worker reconnected: it noticed the outage and finished jobs that it only took after Redis was back.
    expect(logs.some((l) => l.startsWith("redis: "))).toBe(true);
    const finished = await Promise.all(jobs.map(async (j) => (await producer.queue.getJob(j.jobId))!.finishedOn!));
    expect(finished.filter((t) => t > downAt).length).toBeGreaterThanOrEqual(1);
    expect(ts.clipIds().sort()).toEqual(jobs.map((j) => clipIdForJob(j.jobId)).sort());

    await events.close();
    await producer.close();
    await worker.close();
    ts.remove();
  }, 240_000);
});
