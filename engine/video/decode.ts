// Video/image file → Clip at the model's size (e.g. 64×64): ffmpeg decodes, resizes and center-crops, and writes
// RGB24 to a pipe that we collect. Used for image-to-video, extend and remix inputs uploaded by users, so anything
// that is not clearly a picture or a video is refused (inputs.ts) with a message that can be shown to them.

import { stat, readFile } from "node:fs/promises";
import type { Clip, RgbFrame } from "../types.ts";
import { ffmpegCommand, filePath, withInputArgs, withOutputArgs } from "./ffmpeg.ts";
import { VideoDecodeError } from "./errors.ts";
import { probe, type ProbeResult } from "./probe.ts";
import { runToBuffer } from "./run.ts";
import { isWebp, webpInfo } from "./containers/webp.ts";
import { ACCEPTED_CODECS, SUPPORTED_DESCRIPTION as SUPPORTED, fileInputOptions } from "./inputs.ts";
import { checkPixels, fileDimensions } from "./pixels.ts";

export type Fit = "cover" | "contain" | "fill";

export interface DecodeOptions {
  width: number;
  height: number;
  /** cover (default): fill the frame and center-crop the overflow; contain: letterbox in black; fill: stretch. */
  fit?: Fit;
  /** Stop after this many frames (default 600; also bounds memory for long uploads). */
  maxFrames?: number;
  /** Resample to this frame rate; by default every source frame is kept at the source rate. */
  fps?: number;
  signal?: AbortSignal;
}

/** Frame rate given to still images (the model's rate, CONTRACTS.md §2). */
export const STILL_FPS = 8;
const DEFAULT_MAX_FRAMES = 600;

function fitFilter(fit: Fit, w: number, h: number): string {
  const flags = "flags=lanczos+accurate_rnd+full_chroma_int";
  switch (fit) {
    case "cover":
      return `scale=${w}:${h}:force_original_aspect_ratio=increase:${flags},crop=${w}:${h}`;
    case "contain":
      return `scale=${w}:${h}:force_original_aspect_ratio=decrease:${flags},pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`;
    case "fill":
      return `scale=${w}:${h}:${flags}`;
  }
}

async function checkInput(file: string): Promise<ProbeResult> {
  const isFile = await stat(file).then((st) => st.isFile(), () => false);
  if (!isFile) throw new VideoDecodeError(`cannot decode ${file}: no such file`);
  // A picture's size is in its header: refuse a huge one before ffprobe or ffmpeg touch it.
  const header = await fileDimensions(file);
  if (header) checkPixels(header, `cannot decode ${file}: it`);
  let info: ProbeResult;
  try {
    info = await probe(file, { countFrames: false });
  } catch (err) {
    if (!(err instanceof VideoDecodeError)) throw err;
    const why = err.message.replace(`cannot read ${file}: `, "");
    throw new VideoDecodeError(`cannot decode ${file}: not ${SUPPORTED} (ffprobe: ${why})`, { cause: err });
  }
  checkPixels(info, `cannot decode ${file}: its frames are`);
  if (!ACCEPTED_CODECS.has(info.codec)) {
    const found = `${info.codec || "no known codec"} in ${info.format || "an unknown container"}`;
    throw new VideoDecodeError(`cannot decode ${file}: not ${SUPPORTED} (ffmpeg sees ${found})`);
  }
  if (info.codec === "webp") {
    const buf = await readFile(file);
    if (isWebp(buf) && webpInfo(buf).animated) {
      throw new VideoDecodeError(`cannot decode ${file}: this ffmpeg build cannot decode animated WebP; send an MP4 or GIF instead`);
    }
  }
  return info;
}

/** Decodes a video or image into RGB24 frames of exactly width×height. */
export async function decodeToFrames(file: string, opts: DecodeOptions): Promise<Clip> {
  const { width, height } = opts;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TypeError(`decode size must be positive integers, got ${width}×${height}`);
  }
  const maxFrames = opts.maxFrames ?? DEFAULT_MAX_FRAMES;
  if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new TypeError(`maxFrames must be a positive integer, got ${maxFrames}`);
  if (opts.fps !== undefined && !(opts.fps > 0)) throw new TypeError(`fps must be positive, got ${opts.fps}`);

  const info = await checkInput(file);
  // A still picture has no duration, so a rate filter would drop its only frame: it is one frame at any rate.
  const still = /(^|,)image2$|_pipe$/.test(info.format);
  const filters = [
    ...(opts.fps && !still ? [`fps=${opts.fps}`] : []),
    fitFilter(opts.fit ?? "cover", width, height),
    "setsar=1",
    "format=rgb24",
  ];
  const frameBytes = width * height * 3;
  const command = withInputArgs(withOutputArgs(ffmpegCommand(), ["-nostdin"]).input(filePath(file)), fileInputOptions())
    .videoFilters(filters);
  withOutputArgs(command, [
    "-map", "0:v:0", "-an", "-sn", "-dn",
    "-frames:v", String(maxFrames),
    // Without a target rate, emit each decoded frame once (no duplication to a nominal rate for GIF/VFR input).
    ...(opts.fps && !still ? [] : ["-fps_mode", "passthrough"]),
    "-f", "rawvideo", "-pix_fmt", "rgb24",
  ]);
  const raw = await runToBuffer(command, {
    signal: opts.signal,
    maxBytes: maxFrames * frameBytes,
    fail: (msg, cause) => new VideoDecodeError(`cannot decode ${file}: ${msg}`, { cause }),
  });
  const count = Math.floor(raw.length / frameBytes);
  if (count === 0) throw new VideoDecodeError(`cannot decode ${file}: it contains no decodable frames`);
  const frames: RgbFrame[] = [];
  for (let i = 0; i < count; i++) {
    // Copy each frame out so callers can keep one without pinning the whole decode buffer.
    frames.push({ width, height, data: new Uint8Array(raw.subarray(i * frameBytes, (i + 1) * frameBytes)) });
  }
  const fps = opts.fps ?? (count === 1 || !(info.fps > 0) ? STILL_FPS : info.fps);
  return { width, height, fps, frames };
}

/** Decodes the first frame of an image (or video) at size×size, or width×height. */
export async function decodeImage(
  file: string,
  size: number | { width: number; height: number },
  opts: { fit?: Fit; signal?: AbortSignal } = {},
): Promise<RgbFrame> {
  const { width, height } = typeof size === "number" ? { width: size, height: size } : size;
  const clip = await decodeToFrames(file, { width, height, maxFrames: 1, fit: opts.fit, signal: opts.signal });
  return clip.frames[0];
}
