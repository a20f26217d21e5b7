// The one-host backend: records, message links and thread indexes as small files under one directory. Every write is
// "write a temporary file, then rename or link it into place", so several worker processes on the host never see a
// half-written file, and no file is read-modified-written (a thread index is one empty file per clip), so they never
// lose each other's updates.
import { randomUUID } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Platform } from "../queue/schema.ts";
import { FsBlobs } from "./blobs.ts";
import { BlobBackedStore } from "./base-store.ts";
import { ClipNotFound } from "./errors.ts";
import { recordBlobKeys, walkLineage } from "./lineage.ts";
import { checkId, fileSafe } from "./naming.ts";
import type { ClipBlobs, ClipRecord, ClipStore, NewClip } from "./types.ts";

export class FsClipStore extends BlobBackedStore implements ClipStore {
  constructor(private readonly dir: string) {
    super(new FsBlobs(join(dir, "blobs")));
  }

  private metaPath(id: string) {
    return join(this.dir, "meta", `${checkId(id)}.json`);
  }
  private messagePath(platform: Platform, messageId: string) {
    return join(this.dir, "messages", platform, fileSafe(messageId));
  }
  /** Markers of the messages showing a clip, so delete can unlink them. */
  private clipMessagesDir(id: string) {
    return join(this.dir, "clip-messages", checkId(id));
  }
  private threadDir(platform: Platform, threadId: string) {
    return join(this.dir, "threads", platform, fileSafe(threadId));
  }
  /** Sorts by time as a string: zero-padded milliseconds, then the id. */
  private threadEntry(rec: ClipRecord) {
    return `${String(Date.parse(rec.createdAt)).padStart(15, "0")}~${rec.id}`;
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
    if (record.origin.threadId) {
      const dir = this.threadDir(record.origin.platform, record.origin.threadId);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, this.threadEntry(record)), "");
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

  async linkMessage(platform: Platform, messageId: string, clipId: string): Promise<void> {
    if (!(await this.getClip(clipId))) throw new ClipNotFound(clipId);
    const file = this.messagePath(platform, messageId);
    await mkdir(join(this.dir, "messages", platform), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, clipId);
    await rename(tmp, file);
    const marks = this.clipMessagesDir(clipId);
    await mkdir(marks, { recursive: true });
    await writeFile(join(marks, `${platform}~${fileSafe(messageId)}`), "");
  }

  async clipForMessage(platform: Platform, messageId: string): Promise<ClipRecord | undefined> {
    let clipId: string;
    try {
      clipId = await readFile(this.messagePath(platform, messageId), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    return this.getClip(clipId);
  }

  async latestInThread(platform: Platform, threadId: string): Promise<ClipRecord | undefined> {
    let entries: string[];
    try {
      entries = (await readdir(this.threadDir(platform, threadId))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const rec = await this.getClip(entries[i].slice(entries[i].indexOf("~") + 1));
      if (rec) return rec;
    }
    return undefined;
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
    const marks = this.clipMessagesDir(id);
    let linked: string[] = [];
    try {
      linked = await readdir(marks);
    } catch {
      // no messages were linked
    }
    for (const m of linked) {
      const [platform, safeId] = m.split("~");
      const file = join(this.dir, "messages", platform, safeId);
      // Only unlink if the message still points at this clip (a message may have been re-linked since).
      if ((await readFile(file, "utf8").catch(() => "")) === id) await rm(file, { force: true });
    }
    await rm(marks, { recursive: true, force: true });
    if (rec.origin.threadId) {
      await rm(join(this.threadDir(rec.origin.platform, rec.origin.threadId), this.threadEntry(rec)), { force: true });
    }
    await this.blobs.remove(recordBlobKeys(rec));
    await rm(join(this.dir, "blobs", "clips", id), { recursive: true, force: true });
    return true;
  }

  async close(): Promise<void> {}
}
