// One still frame of a clip, upscaled, as PNG (lossless, default) or JPEG: the poster image for chat embeds.

import { extname } from "node:path";
import { stat } from "node:fs/promises";
import type { Clip, RgbFrame } from "../types.ts";
import { ffmpegCommand, filePath, withInputArgs, withOutputArgs } from "./ffmpeg.ts";
import { VideoEncodeError } from "./errors.ts";
import { writeAtomically } from "./atomic.ts";
import { assertClip, assertFrame, displayScaleFilter, frameStream, rawInputOptions, scaledSize, type ScaleOption } from "./frames.ts";
import { embedProvenanceInImage } from "./embed.ts";
import type { Provenance } from "./metadata.ts";
import { runCommand } from "./run.ts";

export type ThumbnailFormat = "png" | "jpeg";

export interface ThumbnailOptions {
  /** Which frame of a clip (default: the middle one, usually the most representative). */
  frame?: number;
  /** Default { shortSide: 256 }, matching the MP4. */
  scale?: ScaleOption;
  /** Default: from the extension (.jpg/.jpeg → jpeg), else png. */
  format?: ThumbnailFormat;
  /** JPEG quality scale 2 (best) … 31 (default 3). */
  jpegQ?: number;
  metadata?: Provenance;
  signal?: AbortSignal;
}

export interface ThumbnailResult {
  file: string;
  format: ThumbnailFormat;
  width: number;
  height: number;
  frame: number;
  bytes: number;
}

function isClip(x: Clip | RgbFrame): x is Clip {
  return Array.isArray((x as Clip).frames);
}

export async function writeThumbnail(source: Clip | RgbFrame, outFile: string, opts: ThumbnailOptions = {}): Promise<ThumbnailResult> {
  let frame: RgbFrame;
  let index = 0;
  if (isClip(source)) {
    assertClip(source);
    index = opts.frame ?? Math.floor(source.frames.length / 2);
    if (!Number.isInteger(index) || index < 0 || index >= source.frames.length) {
      throw new RangeError(`thumbnail frame ${index} is outside the clip's ${source.frames.length} frames`);
    }
    frame = source.frames[index];
  } else {
    assertFrame(source);
    frame = source;
  }
  const ext = extname(outFile).toLowerCase();
  const format: ThumbnailFormat = opts.format ?? (ext === ".jpg" || ext === ".jpeg" ? "jpeg" : "png");
  const size = scaledSize(frame.width, frame.height, opts.scale);
  const codec =
    format === "png"
      ? ["-c:v", "png"]
      : ["-c:v", "mjpeg", "-q:v", String(opts.jpegQ ?? 3), "-pix_fmt", "yuvj420p"];
  await writeAtomically(outFile, async (tmp) => {
    const command = withInputArgs(ffmpegCommand().input(frameStream([frame])), rawInputOptions(frame.width, frame.height, 1))
      .videoFilters(displayScaleFilter(size.width, size.height));
    // image2 with -update 1: write exactly this one file, no numbered-sequence naming.
    withOutputArgs(command, [...codec, "-frames:v", "1", "-update", "1", "-f", "image2"]).output(filePath(tmp));
    await runCommand(command, { signal: opts.signal, fail: (msg, cause) => new VideoEncodeError(`${format} thumbnail failed: ${msg}`, { cause }) });
    await embedProvenanceInImage(tmp, opts.metadata);
  });
  const { size: bytes } = await stat(outFile);
  return { file: outFile, format, ...size, frame: index, bytes };
}
