// Turning a worker's NewClip and blobs into a stored record: shared by both backends so they agree exactly.
import type { BlobBackend } from "./blobs.ts";
import { checkId, clipBlobKey, newClipId } from "./naming.ts";
import type { ClipBlobs, ClipFiles, ClipRecord, NewClip } from "./types.ts";

export function clipIdFor(rec: NewClip): string {
  return checkId(rec.id ?? newClipId());
}

/** Writes the files under the clip's id and returns their keys. */
export async function writeClipBlobs(blobs: BlobBackend, id: string, input: ClipBlobs): Promise<ClipFiles> {
  const files: ClipFiles = { video: clipBlobKey(id, "video", input.video.ext) };
  await blobs.put(files.video, input.video.data);
  if (input.preview) {
    files.preview = clipBlobKey(id, "preview", input.preview.ext);
    await blobs.put(files.preview, input.preview.data);
  }
  if (input.thumbnail) {
    files.thumbnail = clipBlobKey(id, "thumbnail", input.thumbnail.ext);
    await blobs.put(files.thumbnail, input.thumbnail.data);
  }
  return files;
}

export function buildRecord(rec: NewClip, id: string, rootId: string, files: ClipFiles): ClipRecord {
  const { id: _id, createdAt, parentId, ...rest } = rec;
  return {
    ...rest,
    id,
    ...(parentId !== undefined ? { parentId: checkId(parentId) } : {}),
    rootId,
    createdAt: createdAt ?? new Date().toISOString(),
    files,
  };
}
