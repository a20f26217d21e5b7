// A lineage (original → extensions → remixes) strung into one MP4. Inputs may be our MP4 files or in-memory Clips,
// of different sizes and rates: each is fitted (letterboxed) to one common size and rate, then concatenated in a
// single ffmpeg filter graph and encoded once with the same H.264 settings as encodeMp4.

import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clip } from "../types.ts";
import { ffmpegCommand, filePath, withInputArgs, withOutputArgs } from "./ffmpeg.ts";
import { VideoEncodeError } from "./errors.ts";
import { writeAtomically } from "./atomic.ts";
import { assertClip, rawInputOptions, scaledSize, type ScaleOption } from "./frames.ts";
import { mp4MetadataOptions, provenanceTags, type Provenance } from "./metadata.ts";
import { probe } from "./probe.ts";
import { fileInputOptions } from "./inputs.ts";
import { runCommand } from "./run.ts";
import { assertX264, x264OutputOptions, type X264Options } from "./x264.ts";
import type { EncodeResult } from "./encode.ts";

export type ConcatInput = string | Clip;

export interface ConcatOptions extends X264Options {
  /** Output size. Default: the first input's size (a Clip scaled by `scale`, a file as it is). */
  size?: { width: number; height: number };
  /** How Clip inputs are sized when `size` is not given (default { shortSide: 256 }, like encodeMp4). */
  scale?: ScaleOption;
  /** Output rate. Default: the first input's rate. */
  fps?: number;
  /** Refuse lineages longer than this (default 60 s): chat platforms cap upload sizes. */
  maxSeconds?: number;
  metadata?: Provenance;
  signal?: AbortSignal;
}

interface Source {
  width: number;
  height: number;
  fps: number;
  seconds: number;
  clip?: Clip;
  file?: string;
}

async function describe(input: ConcatInput): Promise<Source> {
  if (typeof input !== "string") {
    assertClip(input);
    return { width: input.width, height: input.height, fps: input.fps, seconds: input.frames.length / input.fps, clip: input };
  }
  const info = await probe(input, { countFrames: false });
  const fps = info.fps > 0 ? info.fps : 8;
  return { width: info.width, height: info.height, fps, seconds: info.duration || (info.frames || 1) / fps, file: input };
}

/** Per-input chain: common rate, fit inside the common size, pad to it, then one concat. */
function filterGraph(count: number, width: number, height: number, fps: number): string {
  const fit =
    `scale=${width}:${height}:force_original_aspect_ratio=decrease:force_divisible_by=2` +
    `:flags=lanczos+accurate_rnd+full_chroma_int:out_color_matrix=bt709:out_range=tv`;
  const chains = Array.from(
    { length: count },
    (_, i) => `[${i}:v:0]fps=${fps},${fit},pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,format=yuv420p[v${i}]`,
  );
  const pads = Array.from({ length: count }, (_, i) => `[v${i}]`).join("");
  return `${chains.join(";")};${pads}concat=n=${count}:v=1:a=0[out]`;
}

export async function concatClips(inputs: ConcatInput[], outFile: string, opts: ConcatOptions = {}): Promise<EncodeResult> {
  const t0 = performance.now();
  if (!inputs.length) throw new TypeError("concatClips needs at least one input");
  await assertX264();
  const sources = await Promise.all(inputs.map(describe));
  const first = sources[0];
  const fps = opts.fps ?? first.fps;
  const size = opts.size ?? (first.clip ? scaledSize(first.width, first.height, opts.scale) : scaledSize(first.width, first.height, 1));
  const seconds = sources.reduce((s, x) => s + x.seconds, 0);
  const maxSeconds = opts.maxSeconds ?? 60;
  if (seconds > maxSeconds + 1e-6) {
    throw new RangeError(`lineage is ${seconds.toFixed(1)} s long; the limit is ${maxSeconds} s (drop some clips)`);
  }

  // Clips go to raw RGB files: ffmpeg has one stdin, and a raw file costs no encoding (unlike temporary PNGs).
  const rawDir = sources.some((s) => s.clip) ? await mkdtemp(join(tmpdir(), "sora-concat-")) : undefined;
  try {
    const command = withOutputArgs(ffmpegCommand(), ["-nostdin"]);
    for (const [i, src] of sources.entries()) {
      if (src.clip) {
        const raw = join(rawDir!, `${i}.rgb`);
        await writeFile(raw, Buffer.concat(src.clip.frames.map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength))));
        withInputArgs(command.input(filePath(raw)), rawInputOptions(src.width, src.height, src.fps));
      } else {
        withInputArgs(command.input(filePath(src.file!)), fileInputOptions());
      }
    }
    command.complexFilter(filterGraph(sources.length, size.width, size.height, fps));
    withOutputArgs(command, ["-map", "[out]", ...x264OutputOptions(fps, opts), ...mp4MetadataOptions(provenanceTags(opts.metadata))]);
    await writeAtomically(outFile, async (tmp) => {
      command.output(filePath(tmp));
      await runCommand(command, { signal: opts.signal, fail: (msg, cause) => new VideoEncodeError(`concat failed: ${msg}`, { cause }) });
    });
  } finally {
    if (rawDir) await rm(rawDir, { recursive: true, force: true });
  }
  const [{ size: bytes }, out] = await Promise.all([stat(outFile), probe(outFile, { countFrames: false })]);
  return { file: outFile, ...size, frames: out.frames, fps, bytes, ms: performance.now() - t0 };
}
