// A stitch job: the clips the job names, or else the lineage ending at the job's clip in timeline order, joined into
// one MP4 by ffmpeg (nothing is rendered). The stitched file is then decoded once at the model's size, so its preview
// and thumbnail are made the same way as every other clip's.
import { join } from "node:path";
import type { PipelineInfo } from "../pipeline/types.ts";
import { nearestAspect } from "../pipeline/request.ts";
import type { ClipRecord, ClipStore } from "../store/index.ts";
import type { Clip } from "../types.ts";
import { concatClips, decodeToFrames, type Provenance } from "../video/index.ts";
import { PARAM_LIMITS } from "../queue/limits.ts";
import { BadJob } from "./failures.ts";
import { blobToFile } from "./media.ts";
import { timeline } from "./timeline.ts";

/** The product's limit on a stitched video, as on a single clip (SORA_MAX_CLIP_SECONDS). */
export const MAX_STITCH_SECONDS = PARAM_LIMITS.seconds.max;

export interface Stitched {
  /** The MP4, written in the job's folder. */
  videoFile: string;
  /** Its frames at the model's size (for the preview, the thumbnail and the record). */
  clip: Clip;
  /** Clip ids in play order. */
  parts: string[];
  last: ClipRecord;
}

/**
 * The stitch a job asks for: the clips it names (`parts`, in play order, as each was posted), else the lineage that
 * ends at `clipId` in timeline order.
 */
export async function stitchJob(
  store: ClipStore, job: { parentClipId: string; parts?: string[] }, info: PipelineInfo, dir: string,
  metadata: (last: ClipRecord) => Provenance, signal?: AbortSignal,
): Promise<Stitched> {
  const parts = job.parts ? await chosen(store, job.parts) : timeline(await store.lineage(job.parentClipId));
  return stitch(store, parts, info, dir, metadata, signal);
}

/** The named clips, each once it is known to exist (a clip deleted since the request was checked ends the job). */
async function chosen(store: ClipStore, ids: string[]): Promise<ClipRecord[]> {
  const recs: ClipRecord[] = [];
  for (const id of ids) {
    const rec = await store.getClip(id);
    if (!rec) throw new BadJob("queue.unknownClip", `parts: no clip with id ${id}`);
    recs.push(rec);
  }
  return recs;
}

async function stitch(
  store: ClipStore, parts: ClipRecord[], info: PipelineInfo, dir: string, metadata: (last: ClipRecord) => Provenance, signal?: AbortSignal,
): Promise<Stitched> {
  const last = parts[parts.length - 1];
  const files: string[] = [];
  for (const [i, rec] of parts.entries()) files.push(await blobToFile(store, rec.files.video, dir, `part-${i}`));
  const videoFile = join(dir, "stitched.mp4");
  try {
    await concatClips(files, videoFile, { maxSeconds: MAX_STITCH_SECONDS, metadata: metadata(last), signal });
  } catch (err) {
    // concatClips refuses stitches over the limit with a RangeError (checked before any encoding).
    if (err instanceof RangeError) throw new BadJob("queue.stitchTooLong", err.message);
    throw err;
  }
  const aspect = nearestAspect(last.frames.width, last.frames.height, info.sizes);
  const [width, height] = info.sizes[aspect];
  const clip = await decodeToFrames(videoFile, {
    width, height, fps: info.fps, maxFrames: Math.ceil(MAX_STITCH_SECONDS * info.fps) + parts.length + 2, signal,
  });
  return { videoFile, clip, parts: parts.map((p) => p.id), last };
}
