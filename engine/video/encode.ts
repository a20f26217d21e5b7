// Clip → H.264 MP4 for display: raw RGB24 frames piped to ffmpeg's stdin (no temporary images), upscaled with
// lanczos, provenance tags written, and the file appears only once it is complete.

import { stat } from "node:fs/promises";
import type { Clip } from "../types.ts";
import { ffmpegCommand, filePath, withInputArgs, withOutputArgs } from "./ffmpeg.ts";
import { VideoEncodeError } from "./errors.ts";
import { writeAtomically } from "./atomic.ts";
import { assertClip, displayScaleFilter, frameStream, rawInputOptions, scaledSize, type ScaleOption } from "./frames.ts";
import { mp4MetadataOptions, provenanceTags, type Provenance } from "./metadata.ts";
import { runCommand } from "./run.ts";
import { assertX264, x264OutputOptions, type X264Options } from "./x264.ts";

export interface EncodeOptions extends X264Options {
  /** Display size: a factor, or the shorter side in px. Default { shortSide: 256 }. */
  scale?: ScaleOption;
  metadata?: Provenance;
  signal?: AbortSignal;
}

export interface EncodeResult {
  file: string;
  width: number;
  height: number;
  frames: number;
  fps: number;
  bytes: number;
  ms: number;
}

export async function encodeMp4(clip: Clip, outFile: string, opts: EncodeOptions = {}): Promise<EncodeResult> {
  const t0 = performance.now();
  assertClip(clip);
  await assertX264();
  const size = scaledSize(clip.width, clip.height, opts.scale);
  const outputOptions = [...x264OutputOptions(clip.fps, opts), ...mp4MetadataOptions(provenanceTags(opts.metadata))];
  await writeAtomically(outFile, async (tmp) => {
    const command = withInputArgs(ffmpegCommand().input(frameStream(clip.frames)), rawInputOptions(clip.width, clip.height, clip.fps))
      .videoFilters(displayScaleFilter(size.width, size.height, true));
    withOutputArgs(command, outputOptions).output(filePath(tmp));
    await runCommand(command, { signal: opts.signal, fail: (msg, cause) => new VideoEncodeError(`MP4 encode failed: ${msg}`, { cause }) });
  });
  const { size: bytes } = await stat(outFile);
  return { file: outFile, ...size, frames: clip.frames.length, fps: clip.fps, bytes, ms: performance.now() - t0 };
}
