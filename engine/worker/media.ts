// Stored clips and images → frames at the model's size, for conditioning. The store hands out bytes and ffmpeg reads
// files, so each blob goes through the job's temporary folder.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PipelineInfo } from "../pipeline/types.ts";
import { nearestAspect } from "../pipeline/request.ts";
import type { ClipRecord, ClipStore } from "../store/index.ts";
import type { AspectRatio, Clip, RgbFrame } from "../types.ts";
import { decodeImage, decodeToFrames, PictureTooLargeError, probe, VideoDecodeError } from "../video/index.ts";
import { BadJob } from "./failures.ts";

/** The model size nearest to a stored clip's shape (stitched videos are stored at display size). */
export function aspectOfRecord(rec: ClipRecord, info: PipelineInfo): AspectRatio {
  return nearestAspect(rec.frames.width, rec.frames.height, info.sizes);
}

export async function blobToFile(store: ClipStore, key: string, dir: string, name: string): Promise<string> {
  const ext = /\.([a-z0-9]{1,8})$/.exec(key)?.[1] ?? "bin";
  const file = join(dir, `${name}.${ext}`);
  await writeFile(file, await store.readBlob(key));
  return file;
}

/** A stored clip's frames at the model size for `aspect` (default: the clip's own) and the model's rate. */
export async function loadClipFrames(
  store: ClipStore, rec: ClipRecord, info: PipelineInfo, dir: string, aspect = aspectOfRecord(rec, info), signal?: AbortSignal,
): Promise<Clip> {
  const file = await blobToFile(store, rec.files.video, dir, `clip-${rec.id}`);
  const [width, height] = info.sizes[aspect];
  // Long enough for any clip the product makes (60 s), so a parent is never silently cut.
  return decodeToFrames(file, { width, height, fps: info.fps, maxFrames: Math.ceil(60 * info.fps) + 2, signal });
}

async function pictureSize(file: string): Promise<[number, number]> {
  const p = await probe(file, { countFrames: false });
  return [p.width, p.height];
}

/** A stored conditioning image at the model size for `aspect` (default: nearest to the picture's own shape). */
export async function loadImage(
  store: ClipStore, key: string, info: PipelineInfo, dir: string, aspect?: AspectRatio, signal?: AbortSignal,
): Promise<{ image: RgbFrame; aspect: AspectRatio }> {
  const file = await blobToFile(store, key, dir, "image");
  try {
    const chosen: AspectRatio = aspect ?? nearestAspect(...(await pictureSize(file)), info.sizes);
    const [width, height] = info.sizes[chosen];
    return { image: await decodeImage(file, { width, height }, { signal }), aspect: chosen };
  } catch (err) {
    if (err instanceof PictureTooLargeError) throw new BadJob("queue.pictureTooLarge", err.message);
    if (err instanceof VideoDecodeError) throw new BadJob("errors.notImage", `the stored image ${key} cannot be read: ${err.message}`);
    throw err;
  }
}
