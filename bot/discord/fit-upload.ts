// A clip larger than the channel's upload limit is re-encoded to fit: a bitrate that lands the whole file under the
// limit (with headroom for the container), first at full size, then at half size. If even that does not fit, the
// caller posts a link instead. Our clips are short and small, so this path is rare; it must still never lose one.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probe, resolveBinaries } from "../../engine/video/index.ts";

/** Share of the limit the video stream may use; the rest covers MP4 boxes and bitrate overshoot. */
const HEADROOM = 0.85;
/** Below this the picture is mush; better a link. */
const MIN_KBPS = 24;

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err = (err + String(d)).slice(-2000)));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err.trim()}`))));
  });
}

/** The video re-encoded to at most `limit` bytes, or undefined when it cannot be made to fit. */
export async function fitVideo(data: Buffer, limit: number): Promise<Buffer | undefined> {
  if (data.length <= limit) return data;
  const dir = await mkdtemp(join(tmpdir(), "sora-fit-"));
  try {
    const input = join(dir, "in.mp4");
    await writeFile(input, data);
    const info = await probe(input, { countFrames: false });
    const seconds = Math.max(info.duration, 0.5);
    const kbps = Math.floor((limit * 8 * HEADROOM) / seconds / 1000);
    if (kbps < MIN_KBPS) return undefined;
    const { ffmpeg } = resolveBinaries();
    for (const scale of [1, 0.5]) {
      const output = join(dir, `out-${scale}.mp4`);
      // Even dimensions: yuv420p needs them.
      const vf = `scale=trunc(iw*${scale}/2)*2:trunc(ih*${scale}/2)*2`;
      await run(ffmpeg, [
        "-v", "error", "-y", "-i", input, "-vf", vf, "-c:v", "libx264", "-preset", "veryfast",
        "-b:v", `${kbps}k`, "-maxrate", `${kbps}k`, "-bufsize", `${kbps * 2}k`,
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-an", output,
      ]);
      const out = await readFile(output);
      if (out.length <= limit) return out;
    }
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
