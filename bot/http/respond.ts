// Small node:http helpers the playground needs and nothing more: JSON in and out, bounded request bodies, and
// serving bytes with Range support (a <video> element seeks with Range requests; without them it cannot scrub).
import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

/** The whole body, refusing more than `max` bytes as it arrives (never buffers a huge upload first). */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      return reject(new BodyTooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A JSON object body, or undefined when it is not one. */
export async function readJson(req: IncomingMessage, max = 64 * 1024): Promise<Record<string, unknown> | undefined> {
  const raw = await readBody(req, max);
  try {
    const v = JSON.parse(raw.toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": data.length, "cache-control": "no-store" });
  res.end(data);
}

export function sendText(res: ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  const data = Buffer.from(text);
  res.writeHead(status, { "content-type": type, "content-length": data.length });
  res.end(data);
}

const TYPES: Record<string, string> = {
  mp4: "video/mp4", webp: "image/webp", gif: "image/gif", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
  html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8",
};

export function contentType(name: string): string {
  return TYPES[name.slice(name.lastIndexOf(".") + 1).toLowerCase()] ?? "application/octet-stream";
}

/** Bytes with a single-range answer when asked (`bytes=a-b`, `bytes=a-`, `bytes=-n`); 416 for a range past the end. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, data: Buffer, type: string, cache: string): void {
  // nosniff: an uploaded "image" must never be run as a page or script, whatever its bytes look like.
  const headers = { "content-type": type, "accept-ranges": "bytes", "cache-control": cache, "x-content-type-options": "nosniff" };
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? "").trim());
  if (!m || (m[1] === "" && m[2] === "")) {
    res.writeHead(200, { ...headers, "content-length": data.length });
    res.end(req.method === "HEAD" ? undefined : data);
    return;
  }
  let start = m[1] === "" ? data.length - Number(m[2]) : Number(m[1]);
  let end = m[1] === "" || m[2] === "" ? data.length - 1 : Math.min(Number(m[2]), data.length - 1);
  start = Math.max(0, start);
  if (start >= data.length || end < start) {
    res.writeHead(416, { ...headers, "content-range": `bytes */${data.length}` });
    res.end();
    return;
  }
  end = Math.max(start, end);
  res.writeHead(206, { ...headers, "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${data.length}` });
  res.end(req.method === "HEAD" ? undefined : data.subarray(start, end + 1));
}
