// Links an fs clip store kept before they moved to the bot's own Redis keys (bot/core/links.ts), moved there once at
// start-up. Until then the store wrote, under its folder:
//   messages/<platform>/<base64url(message id)>            the clip id, as text: a message that shows the clip
//   threads/<platform>/<base64url(thread id)>/<ms>~<clip>  empty: the clip was made in the thread (ms: its createdAt)
// (and clip-messages/, the reverse index its delete used, which the new keys keep themselves). Nothing reads those
// folders now, so without this a reply to a clip posted before the upgrade would no longer continue it, and a thread's
// clips would not count as that thread's for /connect and /stitch.
//
// Idempotent: a message already linked in Redis keeps its link (a newer one wins over the file), a thread entry is the
// same zset member with the same score however often it is added, and links to clips deleted since are skipped. A
// marker key in Redis then skips the scan on later starts; a Redis that lost its data (one started without
// persistence) loses the marker too, so the links come back from the files, which are left in place.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Redis } from "ioredis";
import { PLATFORMS, type Platform } from "../../commands/context.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import type { ClipLinks } from "./links.ts";

export interface FsLinkMigration {
  /** Already done for this store folder (the marker was there): nothing was read. */
  skipped: boolean;
  messages: number;
  threads: number;
  /** Links whose clip is gone, or whose file could not be read as one. */
  ignored: number;
}

export interface FsLinkMigrationOptions {
  /** The bot's Redis (where ClipLinks keeps its keys) and ClipLinks' prefix, for the marker. */
  redis: Redis;
  prefix: string;
  links: Pick<ClipLinks, "adoptMessageLink" | "linkThread">;
  store: { getClip(id: string): Promise<ClipRecord | undefined> };
  /** The fs store's folder (SORA_STORE_DIR). */
  dir: string;
}

/** The marker's key: one per store folder, so two stores on one Redis are each migrated. */
export function fsMigrationMarker(prefix: string, dir: string): string {
  return `${prefix}:migrated:fs-links:${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 16)}`;
}

export async function migrateFsLinks(o: FsLinkMigrationOptions): Promise<FsLinkMigration> {
  const marker = fsMigrationMarker(o.prefix, o.dir);
  const done: FsLinkMigration = { skipped: false, messages: 0, threads: 0, ignored: 0 };
  if (await o.redis.exists(marker)) return { ...done, skipped: true };
  const clip = cached(o.store);

  for (const platform of await platformsIn(join(o.dir, "messages"))) {
    const folder = join(o.dir, "messages", platform);
    for (const name of await names(folder)) {
      const messageId = decoded(name);
      const clipId = messageId === undefined ? undefined : (await readFile(join(folder, name), "utf8").catch(() => "")).trim();
      const rec = clipId ? await clip(clipId) : undefined;
      if (messageId === undefined || !rec) {
        done.ignored += 1;
        continue;
      }
      if (await o.links.adoptMessageLink(platform, messageId, rec.id)) done.messages += 1;
    }
  }

  for (const platform of await platformsIn(join(o.dir, "threads"))) {
    for (const folder of await names(join(o.dir, "threads", platform))) {
      const threadId = decoded(folder);
      for (const entry of await names(join(o.dir, "threads", platform, folder))) {
        const rec = threadId === undefined ? undefined : await clip(entry.slice(entry.indexOf("~") + 1));
        if (threadId === undefined || !entry.includes("~") || !rec) {
          done.ignored += 1;
          continue;
        }
        await o.links.linkThread(platform, threadId, rec);
        done.threads += 1;
      }
    }
  }

  await o.redis.set(marker, new Date().toISOString());
  return done;
}

/** The platform folders there are (others, and a missing folder, are none). */
async function platformsIn(dir: string): Promise<Platform[]> {
  return (await names(dir)).filter((n): n is Platform => (PLATFORMS as readonly string[]).includes(n));
}

/** File names in a folder, without the store's half-written temporary files; none when it does not exist. */
async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.endsWith(".tmp")).sort();
  } catch (err) {
    if (["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "")) return [];
    throw err;
  }
}

/** The store's lossless file-name form of a platform id (base64url; "_" for the empty id); undefined if it is not one. */
function decoded(name: string): string | undefined {
  if (name === "_") return "";
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return undefined;
  const id = Buffer.from(name, "base64url").toString("utf8");
  return Buffer.from(id, "utf8").toString("base64url") === name ? id : undefined;
}

/** getClip once per id: a clip shown in many messages is looked up once. */
function cached(store: FsLinkMigrationOptions["store"]) {
  const seen = new Map<string, Promise<ClipRecord | undefined>>();
  return (id: string) => {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) return Promise.resolve(undefined);
    if (!seen.has(id)) seen.set(id, store.getClip(id));
    return seen.get(id)!;
  };
}
