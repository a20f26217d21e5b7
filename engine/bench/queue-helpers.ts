// Pieces of bench:queue: percentiles, the Redis round-trip baseline, and an engine worker in its own process (as in
// production: the bot's event loop must not share a process with rendering).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Nearest-rank percentile of `xs` (p in 0..100); NaN when empty. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** PING round trips on `redis`, one after another, in ms. */
export async function pingRoundTrips(redis: Redis, n: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 50; i++) await redis.ping(); // connect and warm up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await redis.ping();
    xs.push(performance.now() - t);
  }
  return { p50: percentile(xs, 50), p99: percentile(xs, 99) };
}

export interface WorkerProcess {
  model: string;
  stop(): Promise<void>;
}

/** Starts engine/worker/main.ts with `env`; resolves when it says it is ready. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", "engine/worker/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = once(proc, "exit");
  const model = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      const m = /\[engine\] ready: model (\S+)/.exec(text);
      if (m) resolve(m[1]);
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (c: Buffer) => output.push(c.toString()));
    void exited.then(([code]) => reject(new Error(`engine worker exited (${code}) before it was ready:\n${output.join("")}`)));
  });
  return {
    model,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      await exited;
    },
  };
}
