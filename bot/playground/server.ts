// The playground's HTTP server: the page and its two static files, the API the page calls, the SSE stream, clip
// blobs for <video>, and the operator's /health and /metrics. node:http alone: a dozen routes need no framework.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { Producer } from "../../engine/queue/producer.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { loadBlocklist, type Blocklist } from "../core/moderation.ts";
import type { ServerDefaults } from "../core/server-defaults.ts";
import { PlaygroundApi, type ApiResult } from "./api.ts";
import { checkHealth } from "./health.ts";
import { BodyTooLarge, contentType, readBody, readJson, sendBytes, sendJson, sendText } from "./http.ts";
import { PlaygroundJobs } from "./jobs.ts";
import { createMetrics, type PlaygroundMetrics } from "./metrics.ts";
import { Sessions } from "./sessions.ts";
import { pageStrings } from "./strings.ts";
import { Uploads } from "./uploads.ts";

export interface PlaygroundOptions {
  producer: Producer;
  events: ClipEvents;
  store: ClipStore;
  /** A client for health pings (shared; the playground does not close it). */
  redis: Redis;
  redisUrl: string;
  /** The model the workers serve, for /info, /health and the page header. */
  model: string;
  blocklist?: Blocklist;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1: the playground has no login, so it is not offered to the network unless asked (HOST=0.0.0.0). */
  host?: string;
  log?: (line: string) => void;
  maxImageBytes?: number;
  editIntervalMs?: number;
  /** Per-server /defaults, shared with the chat adapters. */
  defaults?: ServerDefaults;
  /** Slack in HTTP mode: Bolt's handler for POST /slack/events (it reads the raw body itself to check signatures). */
  slackHttpHandler?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface Playground {
  readonly url: string;
  readonly port: number;
  readonly sessions: Sessions;
  readonly metrics: PlaygroundMetrics;
  close(): Promise<void>;
}

const PAGE_DIR = new URL("./page/", import.meta.url);
/** Read once: the page is part of the build, not content that changes while running. */
const STATIC: Record<string, { data: Buffer; type: string }> = Object.fromEntries(
  [["/", "index.html"], ["/page.js", "page.js"], ["/page.css", "page.css"]].map(([route, file]) =>
    [route, { data: readFileSync(new URL(file, PAGE_DIR)), type: contentType(file) }]),
);
/** Clips and their previews may be shown; uploaded conditioning frames stay private to the job. */
const PUBLIC_BLOBS = /^(clips|previews)\//;

export async function startPlayground(o: PlaygroundOptions): Promise<Playground> {
  const log = o.log ?? ((line: string) => console.log(line));
  const startedAt = Date.now();
  const sessions = new Sessions();
  const uploads = new Uploads(o.maxImageBytes);
  const jobs = new PlaygroundJobs({
    sessions, store: o.store, events: o.events, log, editIntervalMs: o.editIntervalMs, status: (jobId) => o.producer.status(jobId),
  });
  const metrics = createMetrics({ queue: o.producer.queue, events: o.events, sseClients: () => sessions.clientCount, log });
  const api = new PlaygroundApi(
    {
      producer: o.producer, store: o.store, blocklist: o.blocklist ?? loadBlocklist(), model: o.model, log, jobs, uploads,
      ...(o.defaults ? { defaults: o.defaults } : {}),
    },
    sessions,
  );

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://playground");
    const path = url.pathname;
    const q = url.searchParams;
    if (req.method === "POST" && path === "/slack/events" && o.slackHttpHandler) return o.slackHttpHandler(req, res);
    if (req.method === "GET" || req.method === "HEAD") {
      const file = STATIC[path];
      if (file) {
        // The page loads only its own script, style, clips and uploads: an injected tag could do nothing.
        res.setHeader("content-security-policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self'; object-src 'none'; base-uri 'none'");
        return sendBytes(req, res, file.data, file.type, "no-cache");
      }
      if (path === "/health") {
        const h = await checkHealth({ redis: o.redis, redisUrl: o.redisUrl, queue: o.producer.queue, model: o.model, startedAt });
        return sendJson(res, h.status === "down" ? 503 : 200, h);
      }
      if (path === "/metrics") return sendText(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
      if (path === "/api/strings") return sendJson(res, 200, pageStrings(q.get("locale") ?? undefined, o.model));
      if (path === "/api/events") {
        const session = api.session(q.get("session"));
        if (!session) return sendJson(res, 400, { error: { key: "playground.badRequest" } });
        return session.attach(res);
      }
      if (path.startsWith("/blobs/")) return blob(req, res, path.slice("/blobs/".length));
      if (path.startsWith("/uploads/")) {
        const up = uploads.get(path);
        return up ? sendBytes(req, res, up.data, up.contentType, "private, max-age=1800") : sendText(res, 404, "not found");
      }
      return sendText(res, 404, "not found");
    }
    if (req.method === "POST") {
      if (path === "/api/upload") {
        let data: Buffer | "too-large";
        try {
          data = await readBody(req, uploads.maxBytes);
        } catch (err) {
          if (!(err instanceof BodyTooLarge)) throw err;
          data = "too-large";
        }
        return reply(res, api.upload(q.get("session"), q.get("locale"), data, q.get("name") ?? ""));
      }
      const handlers: Record<string, ((b: Record<string, unknown>) => Promise<ApiResult>) | undefined> = {
        "/api/message": (b) => api.message(b),
        "/api/reply": (b) => api.reply(b),
        "/api/button": (b) => api.button(b),
        "/api/remix": (b) => api.remix(b),
      };
      const handler = handlers[path];
      if (!handler) return sendText(res, 404, "not found");
      const body = await readJson(req).catch(() => undefined);
      if (!body) return sendJson(res, 400, { error: { key: "playground.badRequest" } });
      return reply(res, await handler(body));
    }
    res.writeHead(405, { allow: "GET, HEAD, POST" }).end();
  }

  async function blob(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    let key: string;
    try {
      key = decodeURIComponent(raw);
    } catch {
      return sendText(res, 404, "not found");
    }
    if (!PUBLIC_BLOBS.test(key)) return sendText(res, 404, "not found");
    let data: Buffer;
    try {
      data = await o.store.readBlob(key);
    } catch {
      // Unknown, deleted or malformed key: all the same to the page.
      return sendText(res, 404, "not found");
    }
    // A clip's files never change under the same key (a new clip gets a new id), so the browser may keep them.
    sendBytes(req, res, data, contentType(key), "private, max-age=86400, immutable");
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err) => {
      log(`playground: ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
      if (!res.headersSent) sendJson(res, 500, { error: { key: "errors.internal" } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 8080, o.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address === "0.0.0.0" ? "127.0.0.1" : addr.address;
  const url = `http://${shownHost}:${addr.port}/`;

  return {
    url, port: addr.port, sessions, metrics,
    async close() {
      jobs.close();
      sessions.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open for seconds.
      server.closeAllConnections();
      await closed;
    },
  };
}

function reply(res: ServerResponse, r: ApiResult): void {
  sendJson(res, r.status, r.body);
}
