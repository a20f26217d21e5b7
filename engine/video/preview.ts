// Small looping animated preview for chat embeds: animated WebP when ffmpeg has libwebp (much smaller and
// full-colour), otherwise GIF with a per-clip palette.

import { extname } from "node:path";
import { stat } from "node:fs/promises";
import type { Clip } from "../types.ts";
import { ffmpegCommand, filePath, hasEncoder, withInputArgs, withOutputArgs } from "./ffmpeg.ts";
import { VideoEncodeError } from "./errors.ts";
import { writeAtomically } from "./atomic.ts";
import { assertClip, displayScaleFilter, frameStream, rawInputOptions, scaledSize } from "./frames.ts";
import { embedProvenanceInImage } from "./embed.ts";
import type { Provenance } from "./metadata.ts";
import { runCommand } from "./run.ts";

export type PreviewFormat = "webp" | "gif";

export interface PreviewOptions {
  /** Shorter side in px (default 128). */
  shortSide?: number;
  /** Default: from outFile's extension (.webp / .gif), else the best this ffmpeg can make. */
  format?: PreviewFormat;
  /** WebP quality 0–100 (default 80). */
  quality?: number;
  metadata?: Provenance;
  signal?: AbortSignal;
}

export interface PreviewResult {
  file: string;
  format: PreviewFormat;
  width: number;
  height: number;
  frames: number;
  bytes: number;
}

/** "webp" when libwebp's animation encoder is available, else "gif"; use it to name the output file. */
export async function bestPreviewFormat(): Promise<PreviewFormat> {
  return (await hasEncoder("libwebp_anim")) ? "webp" : "gif";
}

async function chooseFormat(outFile: string, requested: PreviewFormat | undefined): Promise<PreviewFormat> {
  const ext = extname(outFile).toLowerCase();
  const fromExt = ext === ".webp" ? "webp" : ext === ".gif" ? "gif" : undefined;
  if (requested && fromExt && requested !== fromExt) throw new TypeError(`preview format ${requested} does not match ${outFile}`);
  const format = requested ?? fromExt ?? (await bestPreviewFormat());
  if (format === "webp" && !(await hasEncoder("libwebp_anim"))) {
    throw new VideoEncodeError("this ffmpeg has no libwebp encoder for animated WebP previews; use GIF (bestPreviewFormat())");
  }
  return format;
}

function outputOptions(format: PreviewFormat, quality: number): string[] {
  if (format === "webp") {
    return ["-c:v", "libwebp_anim", "-lossless", "0", "-quality", String(quality), "-loop", "0", "-f", "webp"];
  }
  return ["-c:v", "gif", "-loop", "0", "-f", "gif"];
}

function filters(format: PreviewFormat, width: number, height: number): string {
  const scale = displayScaleFilter(width, height);
  // WebP: hand libwebp RGB so it does its own (BT.601, as WebP defines) YUV conversion.
  if (format === "webp") return `${scale},format=bgra`;
  // GIF: one palette fitted to the whole clip; error-diffusion dithering looks best on smooth gradients (skies).
  return `${scale},split[a][b];[a]palettegen=max_colors=256:stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a`;
}

export async function encodePreview(clip: Clip, outFile: string, opts: PreviewOptions = {}): Promise<PreviewResult> {
  assertClip(clip);
  const format = await chooseFormat(outFile, opts.format);
  const size = scaledSize(clip.width, clip.height, { shortSide: opts.shortSide ?? 128 });
  await writeAtomically(outFile, async (tmp) => {
    const command = withInputArgs(ffmpegCommand().input(frameStream(clip.frames)), rawInputOptions(clip.width, clip.height, clip.fps))
      .videoFilters(filters(format, size.width, size.height));
    withOutputArgs(command, outputOptions(format, opts.quality ?? 80)).output(filePath(tmp));
    await runCommand(command, { signal: opts.signal, fail: (msg, cause) => new VideoEncodeError(`${format} preview failed: ${msg}`, { cause }) });
    await embedProvenanceInImage(tmp, opts.metadata);
  });
  const { size: bytes } = await stat(outFile);
  return { file: outFile, format, ...size, frames: clip.frames.length, bytes };
}
