// The fault rows of the chaos bench, each against real parts: engine worker processes killed with SIGKILL mid-job,
// a private redis-server killed and restarted with its append-only file, the same without persistence flushed under
// waiting jobs, the fake Discord answering 429 and 500 for thirty seconds, and two hundred large uploads at once.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { t } from "../../commands/i18n.ts";
import { connectRedis } from "../../engine/queue/connection.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { FsClipStore } from "../../engine/store/index.ts";
import { startEngineWorker } from "../../engine/worker/index.ts";
import { World as DiscordWorld, TEST_PACK } from "../discord/harness.ts";
import { api, newSession, startTestPlayground } from "../playground/helpers.ts";
import { hugePngHeader } from "../security/pictures.ts";
import { cheapJob, outcomes } from "../worker/helpers.ts";
import { redisReady, sparePort, spawnWorker, startRedis } from "../worker/processes.ts";

const CHEAP = { steps: 4, seconds: 1 };

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, limitMs: number): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`chaos: ${what} not reached in ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Clip messages (MP4 attachments) the bot posted for each request: in the thread started from its progress message
 * (the clip opens it; its id is the progress message's).
 */
function clipCounts(w: DiscordWorld, progressIds: string[]): number[] {
  return progressIds.map((id) => w.fake.channelMessages(id).filter((m) => m.author.id === w.fake.bot.id && m.attachments.some((a) => a.filename.endsWith(".mp4"))).length);
}

/** /sora from alice N times; resolves with each request's progress message id, once it shows the queue. */
async function slashes(w: DiscordWorld, n: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const inter = w.fake.slash(w.alice, w.general.id, "sora", { prompt: `a ball ${label} ${i}`, ...CHEAP, seed: i + 1 });
    const progress = await w.fake.waitFor(() => w.fake.original(inter)?.content ? w.fake.original(inter) : undefined, 60_000, "a progress message");
    ids.push(progress.id);
  }
  return ids;
}

export interface DeliveryRow {
  jobs: number;
  delivered: number;
  duplicated: number;
}

/** kill -9 of the engine worker while it renders: another worker takes the job; each clip is posted exactly once. */
export async function workerKill(jobs = 4): Promise<DeliveryRow> {
  const w = await DiscordWorld.start({ adapter: { deferAfterMs: 0, progressIntervalMs: 200 } });
  const env = {
    SORA_QUEUE_PREFIX: w.prefix, SORA_STORE: "fs", SORA_STORE_DIR: w.storeDir, SORA_MODEL: TEST_PACK.dir!, SORA_THREADS: "1",
    SORA_WORKER_LOCK_MS: "2000", SORA_WORKER_STALLED_MS: "1000",
  };
  const first = spawnWorker(env);
  const second: ReturnType<typeof spawnWorker>[] = [];
  try {
    await first.ready;
    const denoising = new Set<string>();
    w.events.on("progress", (p) => p.stage === "denoise" && denoising.add(p.jobId));
    const threads = await slashes(w, jobs, "kill");
    await until("a job denoising", () => denoising.size >= 2, 60_000);
    first.proc.kill("SIGKILL");
    await first.exited;
    second.push(spawnWorker(env));
    await second[0]!.ready;
    await until("every clip posted", () => clipCounts(w, threads).every((c) => c > 0), 180_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2000)); // a duplicate would arrive now
    const counts = clipCounts(w, threads);
    return { jobs, delivered: counts.filter((c) => c > 0).length, duplicated: counts.filter((c) => c > 1).length };
  } finally {
    first.proc.kill("SIGKILL");
    for (const s of second) s.proc.kill("SIGTERM");
    await w.close();
  }
}

/** Redis killed mid-run and restarted from its append-only file: every job still completes, once. */
export async function redisRestart(jobs = 6): Promise<{ jobs: number; completed: number; lost: number; duplicated: number }> {
  const dir = mkdtempSync(join(tmpdir(), "sora-chaos-redis-"));
  const port = await sparePort();
  let server = startRedis(port, dir);
  await redisReady(port);
  const url = `redis://127.0.0.1:${port}`;
  const quiet = () => undefined;
  const client = () => connectRedis(url).on("error", quiet);
  const storeDir = mkdtempSync(join(tmpdir(), "sora-chaos-store-"));
  const store = new FsClipStore(storeDir);
  const producer = new Producer({ prefix: "chaos", redis: client(), onError: quiet, rateLimits: { user: { max: 1000, windowSeconds: 60 }, server: { max: 1000, windowSeconds: 60 } } });
  const events = new ClipEvents({ prefix: "chaos", redis: client() });
  events.on("error", quiet);
  await events.ready();
  const seen = outcomes(events);
  process.env.SORA_WORKER_LOCK_MS = "2000";
  process.env.SORA_WORKER_STALLED_MS = "1000";
  const worker = await startEngineWorker({ redis: url, prefix: "chaos", store, modelDir: TEST_PACK.dir!, threads: 1, log: quiet });
  try {
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) ids.push((await producer.enqueue(cheapJob({ ...CHEAP, origin: { platform: "playground", userId: `u${i}`, locale: "en" } }))).jobId);
    await seen.wait(ids[0]!, 120_000);
    const exited = once(server, "exit");
    server.kill("SIGKILL");
    await exited;
    await new Promise((r) => setTimeout(r, 1500));
    server = startRedis(port, dir);
    await redisReady(port);
    const results = await Promise.all(ids.map((id) => seen.wait(id, 180_000).catch(() => undefined)));
    const completed = results.filter((o) => o?.kind === "completed").length;
    const duplicated = ids.filter((id) => seen.all(id).filter((o) => o.kind === "completed").length > 1).length;
    return { jobs, completed, lost: jobs - completed, duplicated };
  } finally {
    delete process.env.SORA_WORKER_LOCK_MS;
    delete process.env.SORA_WORKER_STALLED_MS;
    await worker.close().catch(() => undefined);
    await events.close().catch(() => undefined);
    await producer.close().catch(() => undefined);
    server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    rmSync(storeDir, { recursive: true, force: true });
  }
}

/** FLUSHALL under waiting jobs: each person's progress message says the request was lost and offers Retry. */
export async function redisFlush(jobs = 10): Promise<{ jobs: number; reported: number; withRetry: number; slowestSeconds: number }> {
  const port = await sparePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await redisReady(port);
  const before = process.env.REDIS_URL;
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  const tp = await startTestPlayground();
  try {
    const asked: { session: string; jobId: string }[] = [];
    for (let i = 0; i < jobs; i++) {
      const session = await newSession(tp.base);
      const a = await api(tp.base, "/api/message", { session, locale: "en", text: `/sora a ball ${i}` });
      asked.push({ session, jobId: a.jobs[0]! });
    }
    const flushed = Date.now();
    await tp.redis.flushall();
    const seconds = new Map<string, number>();
    const retry = new Set<string>();
    // Lost with a Retry button; or, for a job the queue forgot before this process had read it back, lost without one.
    const withRetry = t("en", "progress.lost");
    const without = t("en", "progress.failed", { reason: t("en", "queue.lost") });
    await until("every loss reported", () => {
      for (const a of asked) {
        if (seconds.has(a.jobId)) continue;
        const shown = [...(tp.pg.sessions.find(a.session)?.messages.values() ?? [])].find((m) => m.jobId === a.jobId);
        if (shown?.text === withRetry && shown.buttons?.some((b) => b.id === `sora:retry:${a.jobId}`)) retry.add(a.jobId);
        if (shown?.text === withRetry || shown?.text === without) seconds.set(a.jobId, (Date.now() - flushed) / 1000);
      }
      return seconds.size === asked.length;
    }, 90_000).catch(() => undefined);
    const reported = [...seconds.values()];
    return { jobs, reported: reported.length, withRetry: retry.size, slowestSeconds: reported.length ? Math.max(...reported) : NaN };
  } finally {
    await tp.close();
    if (before === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = before;
    server.kill("SIGKILL");
  }
}

/** The fake Discord answers every request with 500, then 429, for `outageMs` while clips finish: none may be lost. */
export async function discordOutage(jobs = 3, outageMs = 30_000): Promise<DeliveryRow & { outageSeconds: number; refused: number; clipsDuringOutage: number }> {
  const w = await DiscordWorld.start({ adapter: { deferAfterMs: 0, progressIntervalMs: 200 } });
  try {
    // The requests first, with no worker yet: then the outage begins, and the clips are made and posted inside it.
    const threads = await slashes(w, jobs, "outage");
    const start = Date.now();
    const half = start + outageMs / 2;
    w.fake.failNext({ path: /./, status: 500, times: 0, until: half, body: { message: "500: Internal Server Error", code: 0 } });
    w.fake.failNext({
      path: /./, status: 429, times: 0, until: start + outageMs,
      body: { message: "You are being rate limited.", retry_after: 1, global: false },
      headers: { "retry-after": "1", "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "1", "x-ratelimit-bucket": "outage", "x-ratelimit-scope": "user" },
    });
    const finished = new Set<string>();
    w.events.on("completed", (e) => finished.add(e.jobId));
    w.worker = await startEngineWorker({ redis: connectRedis(), prefix: w.prefix, store: w.store, modelDir: TEST_PACK.dir!, threads: 1, log: () => undefined });
    await until("every clip rendered", () => finished.size >= jobs, 120_000).catch(() => undefined);
    const clipsDuringOutage = Date.now() < start + outageMs ? finished.size : -1;
    await until("every clip posted", () => clipCounts(w, threads).every((c) => c > 0), outageMs + 180_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2000));
    const counts = clipCounts(w, threads);
    const refused = w.fake.requests.filter((q) => q.at >= start && q.at < start + outageMs && q.status >= 429).length;
    return {
      jobs, delivered: counts.filter((c) => c > 0).length, duplicated: counts.filter((c) => c > 1).length,
      outageSeconds: outageMs / 1000, refused, clipsDuringOutage,
    };
  } finally {
    await w.close();
  }
}

/**
 * 200 uploads of 8 MiB, 20 at a time, sent by another process (its buffers must not count here): this process's peak
 * memory against its own before.
 */
export async function uploadsMemory(count = 200, sizeMiB = 8, parallel = 20): Promise<{ baselineMiB: number; peakMiB: number; accepted: number }> {
  const tp = await startTestPlayground({ maxImageBytes: sizeMiB * 1024 * 1024, uploadLimits: { sessionBytes: 8 * 1024 ** 3, totalBytes: 8 * 1024 ** 3 } });
  try {
    const session = await newSession(tp.base);
    // A valid 1000×1000 PNG header padded to the full size: image-size reads the header, the rest is data.
    const header = hugePngHeader(1000, 1000).toString("base64");
    const sender = `
      const body = Buffer.concat([Buffer.from(${JSON.stringify(header)}, "base64"), Buffer.alloc(${sizeMiB * 1024 * 1024 - 33}, 1)]);
      let next = 0, accepted = 0;
      const url = ${JSON.stringify(`${tp.base}/api/upload?session=${session}&locale=en&name=big.png`)};
      await Promise.all(Array.from({ length: ${parallel} }, async () => {
        while (next < ${count}) { next++; const res = await fetch(url, { method: "POST", body }); if (res.ok) accepted++; await res.arrayBuffer(); }
      }));
      console.log(accepted);`;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const child = spawn(process.execPath, ["--input-type=module", "-e", sender], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    await once(child, "exit");
    clearInterval(sampler);
    return { baselineMiB: baseline / 2 ** 20, peakMiB: peak / 2 ** 20, accepted: Number(out.trim()) };
  } finally {
    await tp.close();
  }
}
