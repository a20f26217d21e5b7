// Setup file of `npm run test:fast` (vitest.fast.config.ts), run before each test file of the fast set. The fast set
// is every test file not listed in SLOW there, so a new file lands in it by default; this guard makes a file that
// needs what the fast set promises not to need fail at once, with a message that says so, instead of passing
// only on a machine that has Redis and the model, or hanging until a timeout:
// - Redis: any TCP connection to port 6379 or to REDIS_URL's port (the config points REDIS_URL at a closed port);
// - the model: creating an onnxruntime session (the config points SORA_MODEL at a folder that does not exist);
// - child processes (ffmpeg, ffprobe, redis-server, Chromium, the CLIs): spawn, exec, execFile and fork, sync or not.
// A test that trips it fails, naming its file; the fix is a test that needs none of these, or a line in SLOW.
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { relative } from "node:path";
import { afterAll, afterEach, expect, vi } from "vitest";

/** Shared by every run of this file in a worker: the fast set runs without isolation, so it runs once per test file. */
export interface FastGuard {
  /** What was refused and not yet reported. */
  refused: string[];
  installed: boolean;
  /** For test/fast-guard.test.ts: forget what it made the guard refuse on purpose. */
  forgive(): void;
}
const guard = ((globalThis as { [k: symbol]: FastGuard | undefined })[Symbol.for("sora.test-fast.guard")] ??= {
  refused: [],
  installed: false,
  forgive: () => void guard.refused.splice(0),
});

function refuse(what: string): Error {
  const path = expect.getState().testPath;
  const file = path ? relative(process.cwd(), path) : "a test file";
  const message = `npm run test:fast: ${file} ${what}. The fast set runs without Redis, the model and child processes: ` +
    `make the test need none of them, or list the file in SLOW in vitest.fast.config.ts. (Files share a worker ` +
    `process here: a refusal that does not fit this file may be a leftover of the file before it.)`;
  guard.refused.push(message);
  return new Error(message);
}

// Tests that swallow the error (a Redis client retrying, a helper's catch) still fail: after the test, or after the
// file's last hook when it happened outside any test.
function reportRefused(shown: string[] = []): void {
  const all = [...new Set(guard.refused.splice(0))].filter((m) => !shown.some((s) => s.includes(m)));
  if (all.length > 0) throw new Error(all.join("\n"));
}
afterEach(({ task }) => reportRefused((task.result?.errors ?? []).map((e) => String(e.message))));
afterAll(() => {
  // Without isolation the next file in this worker would inherit these; vitest's isolation used to undo them.
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  reportRefused();
});

// Redis. ioredis (and BullMQ's own clients) reach the network through net.Socket#connect, whatever the URL says.
function portOf(args: unknown[]): number | undefined {
  // net.createConnection passes one normalized array [options, callback]; user code passes (options, cb) or (port, host, cb).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) return Number(first);
  if (first && typeof first === "object" && "port" in first) return Number((first as { port: unknown }).port);
  return undefined;
}
function install(): void {
  const redisPorts = new Set([6379]);
  try {
    redisPorts.add(Number(new URL(process.env.REDIS_URL ?? "").port || 6379));
  } catch {}
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const port = portOf(args);
    if (port !== undefined && redisPorts.has(port)) throw refuse(`connected to Redis (port ${port})`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;

  // Child processes: ffmpeg and ffprobe (fluent-ffmpeg and engine/video), redis-server, Chromium, the repo's CLIs.
  const spawners = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;
  for (const name of spawners) {
    (childProcess as unknown as Record<string, unknown>)[name] = (command: unknown) => {
      throw refuse(`started a child process (${name} ${String(command)})`);
    };
  }
  // Named imports of node:child_process (`import { spawn } from ...`) see the replacements too.
  syncBuiltinESMExports();
}
if (!guard.installed) {
  guard.installed = true;
  install();
}

// The model: every pack (the shipped one, runs/random-pack, a test's own) is opened through InferenceSession.create.
// The mock's factory runs only when a file imports onnxruntime-node, so files that never do skip loading it.
vi.mock("onnxruntime-node", async (importOriginal) => {
  const ort = await importOriginal<typeof import("onnxruntime-node")>();
  ort.InferenceSession.create = (async (what: unknown) => {
    throw refuse(`opened an onnxruntime session (${typeof what === "string" ? what : "a model in memory"})`);
  }) as typeof ort.InferenceSession.create;
  return ort;
});
