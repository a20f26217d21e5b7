// `npm run bench:queue`: what the job system adds on top of rendering, measured from a bot's point of view with a
// real engine worker process (engine/worker/main.ts) on the local Redis, and a baseline taken in the same run:
//   - queue overhead of a trivial job (1 step, 5 frames): enqueue() called → the worker took the job (job.processedOn),
//     and the worker finished (job.finishedOn) → the bot's ClipEvents `completed` arrived; one job at a time, so no
//     job waits behind another;
//   - the bot process's event-loop lag (perf_hooks monitorEventLoopDelay) while 100 jobs are queued and in flight
//     (enqueue burst, progress and completion events), against the same process idle;
//   - baseline: a raw Redis PING round trip from the bot process.
// Prints one table; numbers, never assertions. Uses its own key prefix and removes it afterwards.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import { ClipEvents, connectRedis, Producer, redisUrl, type ClipJob } from "../queue/index.ts";
import { deleteUnder } from "../queue/scan.ts";
import { percentile, pingRoundTrips, startWorkerProcess } from "./queue-helpers.ts";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "100" },
    inflight: { type: "string", default: "100" },
    model: { type: "string" },
  },
});
const JOBS = Number(values.jobs);
const INFLIGHT = Number(values.inflight);
const LAG_RESOLUTION_MS = 5;

const prefix = `bench-queue-${randomUUID().slice(0, 8)}`;
const many = { max: 1_000_000, windowSeconds: 60 };
let eventCounter = 0;
const trivialJob = (): ClipJob => ({
  kind: "generate",
  eventId: `b${++eventCounter}`,
  origin: { platform: "bench", userId: `bench-${eventCounter % 7}`, locale: "en" },
  prompt: "a red ball bouncing",
  steps: 1,
  seconds: 0.5,
  seed: eventCounter,
});

interface Timed {
  enqueueAt: number;
  notifiedAt?: number;
}

async function main(): Promise<void> {
  const storeDir = mkdtempSync(join(tmpdir(), "sora-bench-queue-"));
  const redis: Redis = connectRedis();
  const worker = await startWorkerProcess({
    SORA_QUEUE_PREFIX: prefix, SORA_STORE: "fs", SORA_STORE_DIR: storeDir, ...(values.model ? { SORA_MODEL: values.model } : {}),
  });
  const producer = new Producer({ prefix, rateLimits: { user: many, server: many } });
  const events = new ClipEvents({ prefix });
  await events.ready();
  const timed = new Map<string, Timed>();
  const waiters = new Map<string, () => void>();
  events.on("completed", ({ jobId }) => {
    const t = timed.get(jobId);
    if (t) t.notifiedAt = Date.now();
    waiters.get(jobId)?.();
    waiters.delete(jobId);
  });
  events.on("failed", ({ jobId, reason }) => {
    process.stderr.write(`bench job ${jobId} failed: ${reason}\n`);
    waiters.get(jobId)?.();
  });
  const run = async (): Promise<string> => {
    const enqueueAt = Date.now();
    const { jobId } = await producer.enqueue(trivialJob());
    timed.set(jobId, { enqueueAt });
    if (timed.get(jobId)?.notifiedAt === undefined) await new Promise<void>((res) => waiters.set(jobId, res));
    return jobId;
  };

  try {
    const ping = await pingRoundTrips(redis, 1000);

    // Warm-up: the model's first runs and ffmpeg's first spawns are slower than steady state.
    for (let i = 0; i < 3; i++) await run();
    timed.clear();

    // 1. Overhead, one job at a time.
    const startLat: number[] = [];
    const notifyLat: number[] = [];
    const renderMs: number[] = [];
    for (let i = 0; i < JOBS; i++) {
      const jobId = await run();
      const job = await producer.queue.getJob(jobId);
      const t = timed.get(jobId)!;
      if (!job?.processedOn || !job.finishedOn || t.notifiedAt === undefined) continue;
      startLat.push(job.processedOn - t.enqueueAt);
      notifyLat.push(t.notifiedAt - job.finishedOn);
      renderMs.push(job.finishedOn - job.processedOn);
    }
    const overhead = startLat.map((s, i) => s + notifyLat[i]);

    // 2. Event-loop lag of this (bot) process: idle, then with INFLIGHT jobs queued at once.
    const idle = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    idle.enable();
    await new Promise((res) => setTimeout(res, 3000));
    idle.disable();
    const busy = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    busy.enable();
    const t0 = Date.now();
    await Promise.all(Array.from({ length: INFLIGHT }, () => run()));
    const burstMs = Date.now() - t0;
    busy.disable();
    // The histogram counts the sampling interval itself; lag is what comes on top of it.
    const lag = (h: ReturnType<typeof monitorEventLoopDelay>, p: number) => Math.max(0, h.percentile(p) / 1e6 - LAG_RESOLUTION_MS);

    const f = (x: number) => x.toFixed(1).padStart(8);
    const r = (x: number, base: number) => `${(x / base).toFixed(0).padStart(6)}×`;
    const row = (name: string, xs: number[], target: string) => {
      const p50 = percentile(xs, 50);
      const p99 = percentile(xs, 99);
      return `${name.padEnd(34)}${f(p50)}${f(p99)}   ${target.padEnd(18)}${r(p50, ping.p50)} ${r(p99, ping.p99)}`;
    };
    const lines = [
      `bench:queue  ${startLat.length} trivial jobs one at a time + ${INFLIGHT} at once (1 step, 5 frames 64×64, MP4 + preview + thumbnail)`,
      `             1 engine worker process (concurrency 1), model ${worker.model}, Redis ${redisUrl()}, prefix ${prefix}`,
      "",
      `${"metric".padEnd(34)}  p50 ms  p99 ms   target            ×PING p50 / p99`,
      `${"Redis PING round trip (baseline)".padEnd(34)}${f(ping.p50)}${f(ping.p99)}   ${"".padEnd(18)}${r(ping.p50, ping.p50)} ${r(ping.p99, ping.p99)}`,
      row("enqueue() → worker took the job", startLat, ""),
      row("worker done → bot notified", notifyLat, ""),
      row("queue overhead (both)", overhead, "≤ 20 / ≤ 100"),
      row("render in the worker (context)", renderMs, ""),
      "",
      `${"bot event-loop lag".padEnd(34)}  p50 ms  p99 ms   target`,
      `${"  idle (baseline)".padEnd(34)}${f(lag(idle, 50))}${f(lag(idle, 99))}`,
      `${`  ${INFLIGHT} jobs in flight`.padEnd(34)}${f(lag(busy, 50))}${f(lag(busy, 99))}   p99 ≤ 20          (max ${(busy.max / 1e6 - LAG_RESOLUTION_MS).toFixed(1)} ms; ${INFLIGHT} jobs done in ${(burstMs / 1000).toFixed(1)} s)`,
      "",
      `lag = monitorEventLoopDelay (resolution ${LAG_RESOLUTION_MS} ms) minus its sampling interval; clocks: job timestamps are`,
      "the worker's Date.now(), compared with the bot's on the same host.",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await events.close();
    await producer.close();
    await worker.stop();
    await deleteUnder(redis, prefix);
    await redis.quit();
    rmSync(storeDir, { recursive: true, force: true });
  }
}

await main();
