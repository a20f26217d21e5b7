// A rendered clip → the files a person gets: H.264 MP4, and optionally a looping preview (WebP or GIF) and a PNG
// poster, all carrying provenance. Shared by the CLI (files the user named) and the engine worker (files in a
// temporary folder, then handed to the clip store), so both write exactly the same outputs.
import type { Clip } from "../types.ts";
import { bestPreviewFormat, encodeMp4, encodePreview, writeThumbnail, type Provenance } from "../video/index.ts";

export interface ClipFilePaths {
  video: string;
  preview?: string;
  thumbnail?: string;
}

export interface WriteClipOptions {
  /** Also write the preview and the thumbnail beside the video (same stem). */
  preview?: boolean;
  metadata?: Provenance;
  signal?: AbortSignal;
}

/** Writes `videoFile` (must end in .mp4) and, with `preview`, `<stem>.webp|gif` and `<stem>.png`. */
export async function writeClipFiles(clip: Clip, videoFile: string, opts: WriteClipOptions = {}): Promise<ClipFilePaths> {
  const { metadata, signal } = opts;
  const video = await encodeMp4(clip, videoFile, { metadata, signal });
  if (!opts.preview) return { video: video.file };
  return { video: video.file, ...(await writePreviewFiles(clip, videoFile.replace(/\.mp4$/i, ""), opts)) };
}

/** The looping preview (`<stem>.webp`, or `.gif` where ffmpeg lacks libwebp) and the PNG poster (`<stem>.png`). */
export async function writePreviewFiles(clip: Clip, stem: string, opts: Omit<WriteClipOptions, "preview"> = {}):
  Promise<{ preview: string; thumbnail: string }> {
  const { metadata, signal } = opts;
  const format = await bestPreviewFormat();
  const preview = await encodePreview(clip, `${stem}.${format}`, { metadata, signal });
  const thumbnail = await writeThumbnail(clip, `${stem}.png`, { metadata, signal });
  return { preview: preview.file, thumbnail: thumbnail.file };
}
