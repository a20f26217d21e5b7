// What every store backend does the same way: loose blobs (conditioning frames, previews) go straight to the
// backend's blob storage, and only a clip's owner or a manager may delete it.
import type { BlobBackend } from "./blobs.ts";
import { NotClipOwner } from "./errors.ts";
import { checkExt, looseBlobKey } from "./naming.ts";
import type { ClipRecord, LooseBlobKind } from "./types.ts";

export abstract class BlobBackedStore {
  protected constructor(protected readonly blobs: BlobBackend) {}

  async putBlob(data: Buffer, ext: string, kind: LooseBlobKind = "frame"): Promise<string> {
    const key = looseBlobKey(kind, checkExt(ext));
    await this.blobs.put(key, data);
    return key;
  }

  hasBlob(key: string): Promise<boolean> {
    return this.blobs.has(key);
  }

  readBlob(key: string): Promise<Buffer> {
    return this.blobs.read(key);
  }

  protected assertMayDelete(rec: ClipRecord, byUserId: string, manager?: boolean): void {
    if (rec.origin.userId !== byUserId && !manager) throw new NotClipOwner(rec.id);
  }
}
