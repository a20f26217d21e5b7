// Request plumbing for the fake's REST side: read a body (JSON or multipart with files, as discord.js sends uploads),
// answer JSON, and a tiny router over "METHOD /path/:param" patterns.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface RestRequest {
  method: string;
  /** Path below /api/v10, e.g. /channels/123/messages. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  json: Record<string, unknown>;
  files: UploadedFile[];
  rawSize: number;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Discord's error shape: `{ code, message }` with an HTTP status. */
export class RestError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or multipart/form-data with `payload_json` and `files[n]` parts (parsed by undici's FormData). */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ json: Record<string, unknown>; files: UploadedFile[] }> {
  if (!raw.length) return { json: {}, files: [] };
  if (contentType?.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    const files: UploadedFile[] = [];
    let json: Record<string, unknown> = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") json = JSON.parse(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { json, files };
  }
  return { json: JSON.parse(raw.toString("utf8")), files: [] };
}

export function send(res: ServerResponse, r: RestResponse): void {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.body === undefined) {
    res.writeHead(r.status === 200 ? 204 : r.status, headers).end();
    return;
  }
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, { "content-type": "application/json", ...headers }).end(text);
}

export type Handler = (req: RestRequest) => RestResponse | Promise<RestResponse>;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
    this.routes.push({ method, re, names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.re.exec(path);
      if (m) return { handler: r.handler, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return undefined;
  }
}
