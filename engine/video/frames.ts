// Shared helpers for moving RgbFrame/Clip data in and out of ffmpeg: validation, output sizing, raw-video piping.

import { Readable } from "node:stream";
import type { Clip, RgbFrame } from "../types.ts";

/** How to size output for display: an integer-ish factor, or a target for the shorter side (default 256 px). */
export type ScaleOption = number | { shortSide: number };

/** Throws a TypeError naming the first problem; everything downstream may then trust the sizes. */
export function assertClip(clip: Clip): void {
  const { width, height, fps, frames } = clip;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TypeError(`clip size must be positive integers, got ${width}×${height}`);
  }
  if (!(fps > 0) || !Number.isFinite(fps)) throw new TypeError(`clip fps must be a positive number, got ${fps}`);
  if (!frames.length) throw new TypeError("clip has no frames");
  frames.forEach((f, i) => assertFrame(f, width, height, `frame ${i}`));
}

export function assertFrame(frame: RgbFrame, width = frame.width, height = frame.height, what = "frame"): void {
  if (frame.width !== width || frame.height !== height) {
    throw new TypeError(`${what} is ${frame.width}×${frame.height}, expected ${width}×${height}`);
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TypeError(`${what} size must be positive integers, got ${width}×${height}`);
  }
  if (frame.data.length !== width * height * 3) {
    throw new TypeError(`${what} has ${frame.data.length} bytes, expected ${width * height * 3} (RGB24 ${width}×${height})`);
  }
}

const even = (x: number) => Math.max(2, Math.round(x / 2) * 2);

/** Display size for a width×height source: aspect kept, both sides even (yuv420p subsamples chroma 2×2). */
export function scaledSize(width: number, height: number, scale: ScaleOption = { shortSide: 256 }): { width: number; height: number } {
  const factor = typeof scale === "number" ? scale : scale.shortSide / Math.min(width, height);
  if (!(factor > 0) || !Number.isFinite(factor)) throw new TypeError(`invalid scale ${JSON.stringify(scale)}`);
  return { width: even(width * factor), height: even(height * factor) };
}

/** ffmpeg input options describing RGB24 frames on a pipe or in a raw file. */
export function rawInputOptions(width: number, height: number, fps: number): string[] {
  return ["-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", `${width}x${height}`, "-framerate", String(fps)];
}

/** Frames as a byte stream for ffmpeg's stdin; lazily, so a long clip is not copied into one big buffer first. */
export function frameStream(frames: RgbFrame[]): Readable {
  return Readable.from(
    (function* () {
      for (const f of frames) yield Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    })(),
    { objectMode: false },
  );
}

/**
 * A scale filter tuned for our tiny sources: lanczos for sharp upscaling, accurate rounding and full chroma
 * interpolation. For YUV video outputs it also fixes the matrix to BT.709 limited range, which the MP4 encoder then
 * tags, so players do not have to guess; RGB outputs (GIF, PNG, WebP via libwebp's own conversion) leave it out.
 */
export function displayScaleFilter(width: number, height: number, yuv709 = false): string {
  const matrix = yuv709 ? ":out_color_matrix=bt709:out_range=tv" : "";
  return `scale=${width}:${height}:flags=lanczos+accurate_rnd+full_chroma_int${matrix},setsar=1`;
}
