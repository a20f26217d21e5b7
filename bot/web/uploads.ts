// The web chat's file host. The page uploads an image first (POST /api/upload) and then names it as an attachment,
// like a chat platform's CDN URL. Uploads are streamed to a private folder on disk as they arrive (a body is never
// held in memory), refused past the size cap while streaming, bound to the session that sent them (no other session
// can see or use one), counted against that session's and the server's quotas, and deleted once their time is up.
// The playground's importImage then checks the bytes really are a picture and stores them as a conditioning frame.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readSetting } from "../../engine/config/settings.ts";
import type { Attachment } from "../../commands/context.ts";
import { UserError } from "../../commands/errors.ts";
import { DEFAULT_MAX_IMAGE_BYTES, IMAGE_TYPES } from "../../commands/reply.ts";
import { checkPicture, mib } from "../core/remote-image.ts";
import { UPLOAD_SESSION_MIB, UPLOAD_TOTAL_MIB, UPLOAD_TTL_MINUTES } from "./settings.ts";

interface Upload {
  id: string;
  session: string;
  file: string;
  bytes: number;
  name: string;
  contentType: string;
  at: number;
}

export interface UploadLimits {
  /** One file. */
  maxBytes: number;
  /** Everything one session holds at once. */
  sessionBytes: number;
  /** Everything all sessions hold at once. */
  totalBytes: number;
  ttlMs: number;
}

export function uploadLimitsFromEnv(maxBytes = DEFAULT_MAX_IMAGE_BYTES, env: NodeJS.ProcessEnv = process.env): UploadLimits {
  return {
    maxBytes,
    sessionBytes: readSetting(UPLOAD_SESSION_MIB, env) * 1024 * 1024,
    totalBytes: readSetting(UPLOAD_TOTAL_MIB, env) * 1024 * 1024,
    ttlMs: readSetting(UPLOAD_TTL_MINUTES, env) * 60_000,
  };
}

/** Where the page fetches an upload back; an attachment names it by this address. */
export const URL_PREFIX = "/uploads/";
const UPLOAD_ID = /^[0-9a-f-]{36}$/;

class TooLarge extends Error {}

/** Enough of a picture for its signature and dimensions (a JPEG's size may follow tens of KB of EXIF). */
const HEAD_BYTES = 512 * 1024;

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export class Uploads {
  private readonly items = new Map<string, Upload>();
  /** Bytes held or being received, per session and in total (a reservation is taken before a body is read). */
  private readonly bySession = new Map<string, number>();
  private total = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly dir: string, readonly limits: UploadLimits, private readonly now: () => number) {
    this.timer = setInterval(() => void this.prune(), Math.min(60_000, limits.ttlMs));
    this.timer.unref();
  }

  static async open(limits: UploadLimits, now: () => number = Date.now): Promise<Uploads> {
    return new Uploads(await mkdtemp(join(tmpdir(), "sora-playground-uploads-")), limits, now);
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /** Bytes held now (tests, metrics). */
  get heldBytes(): number {
    return this.total;
  }

  /**
   * Stream one upload to disk for `session`; throws the user's error for one that is too large, over a quota, or not
   * a picture. `declared` is the request's content-length, when it gave one.
   */
  async receive(session: string, body: Readable, declared: number | undefined, name: string): Promise<Attachment> {
    const max = this.limits.maxBytes;
    if (declared !== undefined && declared > max) throw new UserError("errors.imageTooLarge", { max: mib(max) });
    await this.prune();
    // Reserve the most this body may be, so concurrent uploads cannot all pass the check and then overflow it.
    const reserve = Math.min(max, declared ?? max);
    if ((this.bySession.get(session) ?? 0) + reserve > this.limits.sessionBytes) {
      throw new UserError("playground.uploadQuota", { max: mib(this.limits.sessionBytes) });
    }
    if (this.total + reserve > this.limits.totalBytes) throw new UserError("playground.uploadsFull");
    this.hold(session, reserve);
    const id = randomUUID();
    const file = join(this.dir, id);
    let bytes = 0;
    try {
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          cb(bytes > max ? new TooLarge() : null, chunk);
        },
      });
      await pipeline(body, counter, createWriteStream(file, { flags: "wx", mode: 0o600 }));
      // The type and size are in the first bytes: the upload itself is never held in memory.
      const ext = checkPicture(await readHead(file));
      const safeName = name.replace(/[^\p{L}\p{N}._ -]/gu, "").slice(0, 100) || `image.${ext}`;
      const up: Upload = { id, session, file, bytes, name: safeName, contentType: IMAGE_TYPES[ext], at: this.now() };
      this.items.set(id, up);
      this.hold(session, bytes - reserve);
      return { url: `${URL_PREFIX}${id}`, name: up.name, contentType: up.contentType, size: bytes };
    } catch (err) {
      this.hold(session, -reserve);
      body.resume();
      await rm(file, { force: true });
      if (err instanceof TooLarge) throw new UserError("errors.imageTooLarge", { max: mib(max) });
      throw err;
    }
  }

  /** The upload behind a page URL, only for the session that sent it. */
  get(url: string, session: string | undefined): Upload | undefined {
    const id = url.startsWith(URL_PREFIX) ? url.slice(URL_PREFIX.length) : "";
    const up = UPLOAD_ID.test(id) ? this.items.get(id) : undefined;
    return up && up.session === session && this.now() - up.at <= this.limits.ttlMs ? up : undefined;
  }

  read(up: Upload): Promise<Buffer> {
    return readFile(up.file);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.items.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Unused uploads past their time are deleted from disk and from the quotas. */
  private async prune(): Promise<void> {
    const now = this.now();
    for (const up of [...this.items.values()]) {
      if (now - up.at <= this.limits.ttlMs) continue;
      this.items.delete(up.id);
      this.hold(up.session, -up.bytes);
      await rm(up.file, { force: true });
    }
  }

  private hold(session: string, delta: number): void {
    const next = (this.bySession.get(session) ?? 0) + delta;
    if (next > 0) this.bySession.set(session, next);
    else this.bySession.delete(session);
    this.total += delta;
  }
}
