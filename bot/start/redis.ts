// A Redis to run against. Use REDIS_URL (default the local one) when it answers; on one machine with nothing
// answering and redis-server installed, start a private throwaway one on a spare port (no persistence: the queue of
// a single-machine demo is not worth a dump file) and stop it with us; otherwise say exactly how to get one.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { t } from "../../commands/i18n.ts";

export interface RedisHandle {
  url: string;
  /** Set when we started the server: it stops with us. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

export class RedisUnavailable extends Error {
  override name = "RedisUnavailable";
}

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** True when a PING comes back within the timeout. One try, no reconnect loop. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null, enableOfflineQueue: false });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function isLoopback(url: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", cmd], { stdio: "ignore" }).status === 0;
}

/** A port nothing listens on right now (the kernel's pick). */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Start `redis-server` (or the given binary) on a spare port and wait until it answers. */
export async function startLocalRedis(log: (line: string) => void = () => undefined, binary = "redis-server"): Promise<RedisHandle> {
  const port = await sparePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  // If we die without stop() (a crash, process.exit), the server must not outlive us.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await redisAnswers(url, 500)) {
      return {
        url, child,
        async stop() {
          process.off("exit", killOnExit);
          if (child.exitCode !== null) return;
          const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          child.kill("SIGTERM");
          await Promise.race([gone, new Promise((r) => setTimeout(r, 3000).unref())]);
          if (child.exitCode === null) child.kill("SIGKILL");
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.off("exit", killOnExit);
  child.kill("SIGKILL");
  log(`redis-server did not start: ${stderr.trim()}`);
  throw new RedisUnavailable(`redis-server on port ${port} did not answer: ${stderr.trim() || "no output"}`);
}

/**
 * The Redis to use. `explicit` is whether the operator set REDIS_URL: a named server that does not answer is an
 * error (silently using another would split the deployment's queue), while the default may be stood in for.
 */
export async function ensureRedis(opts: {
  url?: string;
  explicit?: boolean;
  locale?: string;
  log?: (line: string) => void;
  /** The server binary to start (tests name a missing one). */
  redisServer?: string;
} = {}): Promise<RedisHandle> {
  const url = opts.url || DEFAULT_REDIS_URL;
  const log = opts.log ?? (() => undefined);
  if (await redisAnswers(url)) return { url, stop: async () => undefined };
  if (opts.explicit && !isLoopback(url)) throw new RedisUnavailable(t(opts.locale, "startup.redisUnreachable", { url }));
  const binary = opts.redisServer ?? "redis-server";
  if (!onPath(binary)) throw new RedisUnavailable(t(opts.locale, "startup.redisMissing", { url }));
  const local = await startLocalRedis(log, binary);
  log(t(opts.locale, "startup.redisStarted", { url, local: local.url }));
  return local;
}
