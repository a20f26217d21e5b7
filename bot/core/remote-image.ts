// An image to animate, fetched the careful way, for every platform adapter: only from the platform's own file hosts
// (a URL anywhere else could point the bot at internal services, or carry a bot token there), never following
// redirects, capped in size while it streams (a declared size can lie), and checked by its first bytes to really be
// an image before it goes into the store.
import { MAX_IMAGE_PIXELS } from "../../engine/config/limits.ts";
import { readSetting } from "../../engine/config/settings.ts";
import { pictureDimensions } from "../../engine/video/index.ts";
import type { Attachment } from "../../commands/context.ts";
import { UserError } from "../../commands/errors.ts";
import { isImage, type ImageExt } from "../../commands/reply.ts";

export interface RemoteImageOptions {
  /** Hosts (host or host:port) images may come from. */
  hosts: readonly string[];
  maxBytes: number;
  store: { putBlob(data: Buffer, ext: string, kind?: "frame" | "preview"): Promise<string> };
  /** Extra request headers (Slack's private files need the bot token). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Names the platform in the operator log line of a failed fetch. */
  platform: string;
  log: (line: string) => void;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function mib(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MiB`;
}

/** The image type by its first bytes (magic number), or undefined when it is none we animate. */
export function sniffImage(b: Buffer): ImageExt | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpg";
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString("latin1"))) return "gif";
  if (b.length >= 12 && b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP") return "webp";
  return undefined;
}

/**
 * The checks every uploaded picture passes before it is stored: its first bytes say it is an image we animate, and
 * its header says it is at most SORA_MAX_IMAGE_PIXELS (nothing is decoded to find out). Returns its type.
 */
export function checkPicture(data: Buffer, maxPixels = readSetting(MAX_IMAGE_PIXELS)): ImageExt {
  const ext = sniffImage(data);
  const size = ext && pictureDimensions(data);
  if (!ext || !size) throw new UserError("errors.notImage");
  if (size.width * size.height > maxPixels) {
    throw new UserError("errors.imageTooManyPixels", { width: size.width, height: size.height, max: Math.floor(maxPixels / 1e6) });
  }
  return ext;
}

/** Throws UserError("errors.attachmentHost") unless the URL is https on an allowed host (http only on loopback, for tests). */
export function checkImageUrl(raw: string, hosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError("errors.attachmentHost");
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
  if (!secure || url.username || url.password || !hosts.includes(url.host)) throw new UserError("errors.attachmentHost");
  return url;
}

async function readCapped(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > max) throw new UserError("errors.imageTooLarge", { max: mib(max) });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) throw new UserError("errors.imageTooLarge", { max: mib(max) });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Fetch, check and store an image attachment as a conditioning frame; returns the store's blob key. */
export async function importRemoteImage(a: Attachment, opts: RemoteImageOptions): Promise<string> {
  const url = checkImageUrl(a.url, opts.hosts);
  if (!isImage(a)) throw new UserError("errors.notImage");
  if (a.size !== undefined && a.size > opts.maxBytes) throw new UserError("errors.imageTooLarge", { max: mib(opts.maxBytes) });
  let data: Buffer;
  try {
    const res = await fetch(url, {
      headers: opts.headers ?? {},
      // A redirect could carry a token elsewhere or point inwards; Slack also answers a bad token with one.
      redirect: "error",
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    data = await readCapped(res, opts.maxBytes);
  } catch (err) {
    if (err instanceof UserError) throw err;
    opts.log(`${opts.platform}: image fetch failed (${url.host}${url.pathname}): ${(err as Error)?.message ?? err}`);
    throw new UserError("errors.attachmentFetch");
  }
  return opts.store.putBlob(data, checkPicture(data), "frame");
}
