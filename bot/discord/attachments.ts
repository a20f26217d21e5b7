// An image to animate, fetched the careful way: only from Discord's own file hosts (a URL anywhere else could point
// the bot at internal services), never following redirects off them, capped in size while it streams (a declared
// size can lie), and checked by its first bytes to really be an image before it goes into the store.
import { UserError } from "../core/errors.ts";
import { isImage, type Attachment } from "../core/replies.ts";

export interface ImportOptions {
  /** Hosts (host or host:port) attachments may come from. */
  cdnHosts: readonly string[];
  maxBytes: number;
  store: { putBlob(data: Buffer, ext: string, kind?: "frame" | "preview"): Promise<string> };
  timeoutMs?: number;
  log?: (line: string) => void;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function mib(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MiB`;
}

/** The image type by magic number, or undefined. */
export function sniffImage(b: Buffer): "png" | "jpg" | "gif" | "webp" | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpg";
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString("latin1"))) return "gif";
  if (b.length >= 12 && b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP") return "webp";
  return undefined;
}

/** Throws UserError("errors.attachmentHost") unless the URL is on an allowed host (https, or http on loopback for tests). */
export function checkAttachmentUrl(raw: string, hosts: readonly string[]): URL {
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
export async function importImage(a: Attachment, opts: ImportOptions): Promise<string> {
  const url = checkAttachmentUrl(a.url, opts.cdnHosts);
  if (!isImage(a)) throw new UserError("errors.notImage");
  if (a.size !== undefined && a.size > opts.maxBytes) throw new UserError("errors.imageTooLarge", { max: mib(opts.maxBytes) });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 15_000);
  let data: Buffer;
  try {
    const res = await fetch(url, { redirect: "error", signal: controller.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    data = await readCapped(res, opts.maxBytes);
  } catch (err) {
    if (err instanceof UserError) throw err;
    (opts.log ?? console.warn)(`discord: attachment fetch failed (${url.host}${url.pathname}): ${(err as Error)?.message ?? err}`);
    throw new UserError("errors.attachmentFetch");
  } finally {
    clearTimeout(timer);
  }
  const ext = sniffImage(data);
  if (!ext) throw new UserError("errors.notImage");
  return opts.store.putBlob(data, ext, "frame");
}
