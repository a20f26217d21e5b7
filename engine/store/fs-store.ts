// The one-host backend: records as small files under one directory. Every write is "write a temporary file, then link
// it into place", so several worker processes on the host never see a half-written file, and no file is
// read-modified-written, so they never lose each other's updates.
import { randomUUID } from "node:crypto";
import { link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FsBlobs } from "./blobs.ts";
import { BlobBackedStore } from "./base-store.ts";
import { recordBlobKeys, walkLineage } from "./lineage.ts";
import { checkId } from "./naming.ts";
import type { ClipBlobs, ClipRecord, ClipStore, NewClip } from "./types.ts";

export class FsClipStore extends BlobBackedStore implements ClipStore {
  /** `dir`: the store's folder (records under meta/, files under blobs/). */
  constructor(readonly dir: string) {
    super(new FsBlobs(join(dir, "blobs")));
  }

  private metaPath(id: string) {
    return join(this.dir, "meta", `${checkId(id)}.json`);
  }

  async putClip(rec: NewClip, blobs: ClipBlobs): Promise<ClipRecord> {
    const prepared = await this.prepareClip(rec, blobs);
    if ("existing" in prepared) return prepared.existing;
    const { id, record } = prepared;
    // link() fails if the name exists: of two writers racing on one id, exactly one record wins.
    const file = this.metaPath(id);
    await mkdir(join(this.dir, "meta"), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(record));
    try {
      await link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      return (await this.getClip(id))!;
    } finally {
      await rm(tmp, { force: true });
    }
    return record;
  }

  async getClip(id: string): Promise<ClipRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.metaPath(id), "utf8")) as ClipRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  lineage(id: string): Promise<ClipRecord[]> {
    return walkLineage(id, (x) => this.getClip(x));
  }

  async *listClips(): AsyncIterable<ClipRecord> {
    const names = await readdir(join(this.dir, "meta")).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      const rec = await this.getClip(name.slice(0, -5)).catch(() => undefined);
      if (rec) yield rec;
    }
  }

  protected async removeClip(rec: ClipRecord): Promise<boolean> {
    const id = rec.id;
    // The record goes first: once it is gone the clip is gone for every reader, whatever cleanup follows.
    await rm(this.metaPath(id), { force: true });
    await this.blobs.remove(recordBlobKeys(rec));
    await rm(join(this.dir, "blobs", "clips", id), { recursive: true, force: true });
    return true;
  }

  async close(): Promise<void> {}
}
