// The one place that says how we make H.264 MP4s, shared by encodeMp4 and concatClips so every video we publish
// plays the same everywhere (browsers, chat apps' previews, phones).

import { hasEncoder } from "./ffmpeg.ts";
import { VideoEncodeError } from "./errors.ts";

export interface X264Options {
  /** Constant rate factor: lower is better quality. Our frames are tiny, so a high-quality 18 still makes small files. */
  crf?: number;
  preset?: "ultrafast" | "superfast" | "veryfast" | "faster" | "fast" | "medium" | "slow";
}

export async function assertX264(): Promise<void> {
  if (!(await hasEncoder("libx264"))) {
    throw new VideoEncodeError("this ffmpeg has no libx264 encoder; install a full build (Debian: `apt-get install ffmpeg`)");
  }
}

/** Output options for H.264 in MP4: yuv420p + BT.709 tags, moov atom first, custom metadata keys kept. */
export function x264OutputOptions(fps: number, opts: X264Options = {}): string[] {
  const crf = opts.crf ?? 18;
  if (!(crf >= 0 && crf <= 51)) throw new TypeError(`crf must be in [0, 51], got ${crf}`);
  return [
    "-c:v", "libx264",
    "-preset", opts.preset ?? "veryfast",
    "-crf", String(crf),
    "-pix_fmt", "yuv420p",
    "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
    "-r", String(fps),
    "-an",
    // faststart: moov before mdat so a browser can start playing before the whole file has arrived.
    "-movflags", "+faststart+use_metadata_tags",
    "-f", "mp4",
  ];
}
