// ffprobe wrapper. Runs ffprobe directly with JSON output rather than through fluent-ffmpeg's ffprobe(), whose
// text parser cannot show per-frame tags and would hide ffprobe's own error message.

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { FFMPEG_TIMEOUT_MS } from "../config/limits.ts";
import { readSetting } from "../config/settings.ts";
import { filePath, resolveBinaries } from "./ffmpeg.ts";
import { FfmpegNotFoundError, VideoDecodeError, VideoTimeoutError } from "./errors.ts";
import { isWebp, webpInfo } from "./containers/webp.ts";
import { fileInputOptions } from "./inputs.ts";

const execFileP = promisify(execFile);

export interface ProbeResult {
  /** ffmpeg's demuxer name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2", "png_pipe", "gif", "webp_pipe". */
  format: string;
  /** Codec of the first video stream, e.g. "h264", "png", "gif", "webp". */
  codec: string;
  width: number;
  height: number;
  /** Frames actually decoded (ffprobe -count_frames → nb_read_frames); falls back to the header count. */
  frames: number;
  /** Seconds; 0 for a still image. */
  duration: number;
  fps: number;
  pixFmt: string;
  bytes: number;
  /** Container-level tags (MP4 title/comment/…; a GIF's comment). */
  tags: Record<string, string>;
  /** Tags on the video stream (handler name, language, …). */
  streamTags: Record<string, string>;
}

interface FfprobeJson {
  streams?: Array<Record<string, unknown> & { tags?: Record<string, string> }>;
  format?: Record<string, unknown> & { tags?: Record<string, string> };
  frames?: Array<{ tags?: Record<string, string> }>;
}

/** Runs ffprobe with JSON output; turns its failure into a VideoDecodeError carrying ffprobe's own words. */
export async function ffprobeJson(file: string, args: string[]): Promise<FfprobeJson> {
  const { ffprobe } = resolveBinaries();
  const target = filePath(file);
  const timeout = readSetting(FFMPEG_TIMEOUT_MS);
  try {
    const { stdout } = await execFileP(ffprobe, ["-v", "error", ...fileInputOptions(), "-of", "json", ...args, target], {
      maxBuffer: 64 << 20, timeout, killSignal: "SIGKILL",
    });
    return JSON.parse(stdout) as FfprobeJson;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; killed?: boolean; signal?: string };
    if (e.code === "ENOENT" && e.path === ffprobe) throw new FfmpegNotFoundError(`could not start ${ffprobe}`, { cause: err });
    if (e.killed && e.signal === "SIGKILL") throw new VideoTimeoutError(`ffprobe ran longer than ${timeout} ms on ${file} and was stopped`, { cause: err });
    // ffprobe prefixes its lines with the file name; drop it, the message names the file once already.
    const lines = (e.stderr ?? "").trim().split("\n").filter(Boolean).slice(-2);
    const why = lines.map((l) => (l.startsWith(`${target}: `) ? l.slice(target.length + 2) : l)).join(" | ") || e.message;
    throw new VideoDecodeError(`cannot read ${file}: ${why}`, { cause: err });
  }
}

const num = (v: unknown): number => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
};

function rate(v: unknown): number {
  if (typeof v !== "string") return 0;
  const [a, b] = v.split("/").map(Number);
  return b ? a / b : num(a);
}

/** Describes the first video stream of `file` (fails with VideoDecodeError if there is none). */
export async function probe(file: string, opts: { countFrames?: boolean } = {}): Promise<ProbeResult> {
  const count = opts.countFrames ?? true;
  const json = await ffprobeJson(file, [...(count ? ["-count_frames"] : []), "-select_streams", "v:0", "-show_streams", "-show_format"]);
  const stream = json.streams?.[0];
  if (!stream) throw new VideoDecodeError(`cannot read ${file}: it has no video or image stream`);
  const format = json.format ?? {};
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  const result: ProbeResult = {
    format: String(format.format_name ?? ""),
    codec: String(stream.codec_name ?? ""),
    width: num(stream.width),
    height: num(stream.height),
    frames: num(stream.nb_read_frames) || num(stream.nb_frames),
    duration: num(format.duration) || num(stream.duration),
    fps,
    pixFmt: String(stream.pix_fmt ?? ""),
    bytes: num(format.size),
    tags: { ...(format.tags ?? {}) },
    streamTags: { ...(stream.tags ?? {}) },
  };
  if (result.codec === "webp" && result.width === 0) await fillFromWebpHeader(file, result);
  return result;
}

/** ffmpeg 5.1 cannot parse animated WebP at all (0×0, no frames): read what we need from the RIFF headers. */
async function fillFromWebpHeader(file: string, result: ProbeResult): Promise<void> {
  try {
    const buf = await readFile(file);
    if (!isWebp(buf)) return;
    const info = webpInfo(buf);
    result.width = info.width;
    result.height = info.height;
    result.frames = info.frames;
    result.duration = info.durationMs / 1000;
    result.fps = info.durationMs > 0 ? info.frames / result.duration : 0;
  } catch {
    // Leave ffprobe's answer as it was; decode() reports the problem if someone tries to use the file.
  }
}
