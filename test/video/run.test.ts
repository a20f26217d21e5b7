// A stop (cancel or time limit) that arrives before fluent-ffmpeg has spawned ffmpeg still stops the run: its kill()
// is a no-op until the process exists, and a run that then finished on its own once passed for a success (CI, stop 31).
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoAbortedError, VideoEncodeError, VideoTimeoutError } from "../../engine/video/errors.ts";
import { ffmpegCommand, filePath, withInputArgs } from "../../engine/video/ffmpeg.ts";
import { frameStream, rawInputOptions } from "../../engine/video/frames.ts";
import { runCommand } from "../../engine/video/run.ts";
import { squareClip } from "./synthetic.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "video-run-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function encodeCommand(out: string) {
  const clip = squareClip({ frames: 3 });
  return withInputArgs(ffmpegCommand().input(frameStream(clip.frames)), rawInputOptions(clip.width, clip.height, clip.fps))
    .outputOptions(["-f", "mp4"])
    .output(filePath(out));
}
const fail = (msg: string, cause: unknown) => new VideoEncodeError(msg, { cause });

describe("runCommand", () => {
  it("a cancel that comes before ffmpeg has spawned fails the run as aborted", async () => {
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const run = runCommand(encodeCommand(join(dir, `early-abort-${i}.mp4`)), { signal: controller.signal, fail });
      controller.abort(); // same tick as run(): the process does not exist yet
      await expect(run).rejects.toBeInstanceOf(VideoAbortedError);
    }
  });

  it("a time limit that passes before ffmpeg has spawned fails the run as timed out", async () => {
    for (let i = 0; i < 3; i++) {
      const run = runCommand(encodeCommand(join(dir, `early-timeout-${i}.mp4`)), { timeoutMs: 1, fail });
      await expect(run).rejects.toBeInstanceOf(VideoTimeoutError);
    }
  });

  it("an unstopped run still succeeds", async () => {
    await runCommand(encodeCommand(join(dir, "free.mp4")), { fail });
    expect(await readdir(dir)).toContain("free.mp4");
  });
});
