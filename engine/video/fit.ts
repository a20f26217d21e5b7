// A clip larger than a chat's upload limit, re-encoded to fit: a bitrate that lands the whole file under the limit
// (with headroom for the container), first at full size, then at half size. If even that does not fit, the caller
// posts a link instead. Our clips are short and small, so this path is rare; it must still never lose one, and the
// smaller file keeps the original's provenance tags.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VideoEncodeError } from "./errors.ts";
import { ffmpegCommand, filePath, withInputArgs, withOutputArgs } from "./ffmpeg.ts";
import { fileInputOptions } from "./inputs.ts";
import { probe } from "./probe.ts";
import { runCommand } from "./run.ts";

/** Share of the limit the video stream may use; the rest covers MP4 boxes and bitrate overshoot. */
const HEADROOM = 0.85;
/** Below this the picture is mush; better a link. */
const MIN_KBPS = 24;

/** The video re-encoded to at most `limit` bytes, or undefined when it cannot be made to fit. */
export async function fitVideo(data: Buffer, limit: number, opts: { signal?: AbortSignal } = {}): Promise<Buffer | undefined> {
  if (data.length <= limit) return data;
  const dir = await mkdtemp(join(tmpdir(), "sora-fit-"));
  try {
    const input = join(dir, "in.mp4");
    await writeFile(input, data);
    const info = await probe(input, { countFrames: false });
    const seconds = Math.max(info.duration, 0.5);
    const kbps = Math.floor((limit * 8 * HEADROOM) / seconds / 1000);
    if (kbps < MIN_KBPS) return undefined;
    for (const scale of [1, 0.5]) {
      const output = join(dir, `out-${scale}.mp4`);
      const command = withInputArgs(withOutputArgs(ffmpegCommand(), ["-nostdin"]).input(filePath(input)), fileInputOptions())
        // Even dimensions: yuv420p needs them.
        .videoFilters(`scale=trunc(iw*${scale}/2)*2:trunc(ih*${scale}/2)*2`);
      withOutputArgs(command, [
        "-map_metadata", "0", "-c:v", "libx264", "-preset", "veryfast",
        "-b:v", `${kbps}k`, "-maxrate", `${kbps}k`, "-bufsize", `${kbps * 2}k`,
        "-pix_fmt", "yuv420p", "-movflags", "+faststart+use_metadata_tags", "-an", "-f", "mp4",
      ]).output(filePath(output));
      await runCommand(command, { signal: opts.signal, fail: (msg, cause) => new VideoEncodeError(`fitting the clip failed: ${msg}`, { cause }) });
      const out = await readFile(output);
      if (out.length <= limit) return out;
    }
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
