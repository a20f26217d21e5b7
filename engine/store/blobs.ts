// Where file bytes live, separate from where records live: the fs store uses files; the redis store keeps bytes
// either in Redis (small deployments, nothing else to share) or on a path every host mounts.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Redis } from "ioredis";
import { BlobNotFound } from "./errors.ts";
import { checkKey } from "./naming.ts";

export interface BlobBackend {
  put(key: string, data: Buffer): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Throws BlobNotFound. */
  read(key: string): Promise<Buffer>;
  remove(keys: string[]): Promise<void>;
}

/** Writes go to a temporary name and are renamed into place, so a reader never sees half a file. */
export class FsBlobs implements BlobBackend {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, checkKey(key));
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
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
}

export class RedisBlobs implements BlobBackend {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(key: string): string {
    return `${this.prefix}:blob:${checkKey(key)}`;
  }

  async put(key: string, data: Buffer): Promise<void> {
    await this.redis.set(this.k(key), data);
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
}
