// What every store backend does the same way: loose blobs (conditioning frames, previews) go straight to the
// backend's blob storage, a new clip's record is prepared the same way, and only a clip's owner or a manager may
// delete it. Each backend then stores the record its own way.
import type { BlobBackend } from "./blobs.ts";
import { mayManage, type Actor } from "../queue/identity.ts";
import { ClipNotFound, NotClipOwner } from "./errors.ts";
import { recordBlobKeys } from "./lineage.ts";
import { checkExt, looseBlobKey } from "./naming.ts";
import { buildRecord, clipIdFor, writeClipBlobs } from "./record.ts";
import type { ClipBlobs, ClipRecord, LooseBlobKind, NewClip } from "./types.ts";

/** How long a progress preview is kept: far longer than any job shows it. */
export const PREVIEW_TTL_MS = 60 * 60_000;

export abstract class BlobBackedStore {
  protected constructor(protected readonly blobs: BlobBackend) {}

  abstract getClip(id: string): Promise<ClipRecord | undefined>;

  /**
   * The shared start of putClip: the id derives from the job, so a retried job finds the clip it already stored;
   * otherwise the parent must exist (its root becomes ours) and the files are written before the record.
   */
  protected async prepareClip(rec: NewClip, blobs: ClipBlobs):
    Promise<{ existing: ClipRecord } | { id: string; record: ClipRecord }> {
    const id = clipIdFor(rec);
    const existing = await this.getClip(id);
    if (existing) return { existing };
    let rootId = id;
    if (rec.parentId !== undefined) {
      const parent = await this.getClip(rec.parentId);
      if (!parent) throw new ClipNotFound(rec.parentId);
      rootId = parent.rootId;
    }
    return { id, record: buildRecord(rec, id, rootId, await writeClipBlobs(this.blobs, id, blobs)) };
  }

  async putBlob(data: Buffer, ext: string, kind: LooseBlobKind = "frame"): Promise<string> {
    const key = looseBlobKey(kind, checkExt(ext));
    // A progress preview is shown while its job runs, then the clip's own files replace it; a conditioning frame
    // stays, since rerolls and remixes render from it again.
    await this.blobs.put(key, data, kind === "preview" ? PREVIEW_TTL_MS : undefined);
    return key;
  }

  hasBlob(key: string): Promise<boolean> {
    return this.blobs.has(key);
  }

  readBlob(key: string): Promise<Buffer> {
    return this.blobs.read(key);
  }

  /** Record and files: each backend removes its own way. False when already gone. */
  protected abstract removeClip(rec: ClipRecord): Promise<boolean>;

  async deleteClip(id: string, by: Actor): Promise<boolean> {
    const rec = await this.getClip(id);
    if (!rec) return false;
    if (!mayManage(rec.origin, by)) throw new NotClipOwner(rec.id);
    return this.removeClip(rec);
  }

  async expireClip(id: string): Promise<boolean> {
    const rec = await this.getClip(id);
    return rec ? this.removeClip(rec) : false;
  }

  async clipBytes(rec: ClipRecord): Promise<number> {
    let total = 0;
    for (const key of recordBlobKeys(rec)) total += await this.blobs.size(key);
    return total;
  }
}
