// Where file bytes live, separate from where records live: the fs store uses files; the redis store keeps bytes
// either in Redis (small deployments, nothing else to share) or on a path every host mounts.
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Redis } from "ioredis";
import { BlobNotFound } from "./errors.ts";
import { checkKey } from "./naming.ts";

export interface BlobBackend {
  /** ttlMs: the blob may vanish after that long (progress previews); without it the blob stays until removed. */
  put(key: string, data: Buffer, ttlMs?: number): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Throws BlobNotFound. */
  read(key: string): Promise<Buffer>;
  remove(keys: string[]): Promise<void>;
  /** Bytes the blob takes; 0 when there is none. */
  size(key: string): Promise<number>;
}

/**
 * Writes go to a temporary name and are renamed into place, so a reader never sees half a file. Files have no
 * expiry of their own: a put with a ttl sweeps its folder of files older than that ttl, at most once a sweep
 * interval per folder, so short-lived blobs (progress previews) never pile up.
 */
export class FsBlobs implements BlobBackend {
  private readonly lastSweep = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private path(key: string): string {
    return join(this.dir, checkKey(key));
  }

  async put(key: string, data: Buffer, ttlMs?: number): Promise<void> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
    if (ttlMs !== undefined) await this.sweep(dirname(file), ttlMs);
  }

  /** Remove files in `folder` last written more than ttlMs ago (every host sharing the folder may do it; rm is idempotent). */
  private async sweep(folder: string, ttlMs: number): Promise<void> {
    const now = this.now();
    if (now - (this.lastSweep.get(folder) ?? -Infinity) < Math.min(ttlMs, FS_SWEEP_EVERY_MS)) return;
    this.lastSweep.set(folder, now);
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const file = join(folder, name);
      const st = await stat(file).catch(() => undefined);
      if (st?.isFile() && now - st.mtimeMs > ttlMs) await rm(file, { force: true });
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFound(key);
      throw err;
    }
  }

  async remove(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.path(k), { force: true })));
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key)).catch(() => undefined))?.size ?? 0;
  }
}

/** How often one folder of expiring files is swept, at most. */
const FS_SWEEP_EVERY_MS = 10 * 60_000;

export class RedisBlobs implements BlobBackend {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(key: string): string {
    return `${this.prefix}:blob:${checkKey(key)}`;
  }

  async put(key: string, data: Buffer, ttlMs?: number): Promise<void> {
    if (ttlMs !== undefined) await this.redis.set(this.k(key), data, "PX", Math.max(1, Math.round(ttlMs)));
    else await this.redis.set(this.k(key), data);
  }

  async has(key: string): Promise<boolean> {
    return (await this.redis.exists(this.k(key))) === 1;
  }

  async read(key: string): Promise<Buffer> {
    const b = await this.redis.getBuffer(this.k(key));
    if (!b) throw new BlobNotFound(key);
    return b;
  }

  async remove(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys.map((k) => this.k(k)));
  }

  size(key: string): Promise<number> {
    return this.redis.strlen(this.k(key));
  }
}
