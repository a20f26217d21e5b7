// Running a fluent-ffmpeg command as a promise: turns its event soup into one result or one typed error, supports
// cancellation, and (for decoding) collects binary stdout safely.

import { Writable } from "node:stream";
import type ffmpeg from "fluent-ffmpeg";
import { FFMPEG_TIMEOUT_MS } from "../config/limits.ts";
import { readSetting } from "../config/settings.ts";
import { VideoAbortedError, VideoError, VideoTimeoutError } from "./errors.ts";

export interface RunOptions {
  signal?: AbortSignal;
  /** Wall-clock limit; default SORA_FFMPEG_TIMEOUT_MS. A run past it is killed and fails with VideoTimeoutError. */
  timeoutMs?: number;
  /** Builds the error for a failed run, e.g. VideoEncodeError vs VideoDecodeError; gets ffmpeg's own message. */
  fail: (message: string, cause: unknown) => VideoError;
}

/** ffmpeg's last meaningful stderr lines (we run with -loglevel error, so these are the actual errors). */
function ffmpegMessage(err: Error, stderr: string | null | undefined): string {
  const lines = (stderr ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  const tail = lines.slice(-4).join(" | ");
  const base = err.message.replace(/:\s*$/, "");
  return tail && !base.includes(tail) ? `${base}: ${tail}` : base;
}

function run(command: ffmpeg.FfmpegCommand, opts: RunOptions, start: () => void, extraDone?: Promise<void>): Promise<void> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(new VideoAbortedError("aborted before ffmpeg started"));
  const timeoutMs = opts.timeoutMs ?? readSetting(FFMPEG_TIMEOUT_MS);
  return new Promise<void>((resolve, reject) => {
    let stopped: "aborted" | "timed-out" | undefined;
    const stop = (why: "aborted" | "timed-out") => {
      stopped ??= why;
      command.kill("SIGKILL");
    };
    const onAbort = () => stop("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
    // A stuck ffmpeg (a hostile file, a full disk, a hung pipe) must not hold a worker slot forever.
    const timer = setTimeout(() => stop("timed-out"), timeoutMs);
    timer.unref();
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    // Why a stopped run failed; a run that ended on its own after stop() (it finished as the signal went out) still
    // fails, so a timed-out or cancelled job never passes for a finished one.
    const stoppedError = (cause: unknown): VideoError =>
      stopped === "aborted"
        ? new VideoAbortedError("aborted while ffmpeg was running", { cause })
        : new VideoTimeoutError(`ffmpeg ran longer than ${timeoutMs} ms and was stopped`, { cause });
    // fluent-ffmpeg spawns the process asynchronously and its kill() does nothing before that: a stop that came
    // first (a tiny limit, an early abort) is delivered once the process exists.
    command.on("start", () => {
      if (stopped) command.kill("SIGKILL");
    });
    command.on("error", (err: Error, _stdout: string | null, stderr: string | null) => {
      cleanup();
      reject(stopped ? stoppedError(err) : opts.fail(ffmpegMessage(err, stderr), err));
    });
    command.on("end", () => {
      cleanup();
      if (stopped) return reject(stoppedError(undefined));
      // With a piped stdout, the process can exit before the pipe has delivered its last bytes: wait for both.
      (extraDone ?? Promise.resolve()).then(resolve, reject);
    });
    start();
  });
}

/** Runs a command whose outputs are files (already set on the command). */
export function runCommand(command: ffmpeg.FfmpegCommand, opts: RunOptions): Promise<void> {
  return run(command, opts, () => command.run());
}

/** Runs a command and returns everything it wrote to stdout (e.g. `-f rawvideo pipe:1`), up to maxBytes. */
export async function runToBuffer(command: ffmpeg.FfmpegCommand, opts: RunOptions & { maxBytes: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const sink = new Writable({
    // emitClose: false — fluent-ffmpeg treats the output stream's 'close' as "consumer went away" and reports an
    // error if it sees it before the process exit, which races under load.
    emitClose: false,
    write(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      if (total > opts.maxBytes) {
        cb(opts.fail(`decoded output exceeds ${opts.maxBytes} bytes`, undefined));
        return;
      }
      chunks.push(chunk);
      cb();
    },
    final(cb) {
      finish();
      cb();
    },
  });
  command.output(sink);
  await run(command, opts, () => command.run(), finished);
  return Buffer.concat(chunks, total);
}
