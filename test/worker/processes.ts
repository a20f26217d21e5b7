// Real processes for the crash and restart tests: `npm run engine`'s entry (engine/worker/main.ts) as a child
// process, and a private redis-server on a spare port (never the shared one on 6379).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { connectRedis } from "../../engine/queue/connection.ts";
import { until } from "../queue/helpers.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export interface WorkerProcess {
  proc: ChildProcess;
  /** stdout and stderr lines so far. */
  lines: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
}

/** Starts engine/worker/main.ts with `env` added to this process's environment. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", "engine/worker/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((res) => (readyResolve = res));
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line) continue;
      lines.push(line);
      if (line.includes("[engine] ready:")) readyResolve();
    }
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = once(proc, "exit").then(([code]) => code as number | null);
  // A worker that dies before it is ready fails the wait instead of hanging it.
  const readyOrDead = Promise.race([ready, exited.then((code) => Promise.reject(new Error(`worker exited (${code}):\n${lines.join("\n")}`)))]);
  readyOrDead.catch(() => undefined);
  return { proc, lines, ready: readyOrDead, exited };
}

export async function sparePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, "close");
  return port;
}

/** A redis-server that keeps its data across restarts: append-only file, fsync on every write, in `dir`. */
export function startRedis(port: number, dir: string): ChildProcess {
  return spawn("redis-server", [
    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir,
  ], { stdio: "ignore" });
}

export async function redisReady(port: number): Promise<void> {
  const c = connectRedis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50 });
  c.on("error", () => undefined); // refused until the server listens: expected here
  await until(async () => {
    try {
      if (c.status !== "ready") await c.connect();
      return (await c.ping()) === "PONG";
    } catch {
      return false;
    }
  }, 30_000);
  c.disconnect();
}
