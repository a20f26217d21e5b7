// The playground's routes on the process's HTTP server (bot/http): the page and its two static files, the API the
// page calls, the SSE stream, clip blobs for <video>, uploads, and /metrics. startPlayground gives it a server of its
// own (tests, tools); the product mounts it on the shared one (bot/start/app.ts).
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { Producer } from "../../engine/queue/producer.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { DeliveryBook } from "../core/deliveries.ts";
import { Delivery } from "../core/delivery.ts";
import { ClipLinks } from "../core/links.ts";
import { LostJobs } from "../core/lost-jobs.ts";
import { loadBlocklist, type Blocklist } from "../../commands/moderation.ts";
import type { ServerDefaults } from "../../commands/server-defaults.ts";
import type { AdapterHealth } from "../http/health.ts";
import { mountHealth } from "../http/ops.ts";
import { contentType, readJson, sendBytes, sendJson, sendText } from "../http/respond.ts";
import { HttpServer } from "../http/server.ts";
import { accessGate } from "./access.ts";
import { PlaygroundApi, type ApiResult } from "./api.ts";
import { PlaygroundPort } from "./port.ts";
import { createMetrics, type PlaygroundMetrics } from "./metrics.ts";
import { SessionIds } from "./session-ids.ts";
import { Sessions } from "./sessions.ts";
import { pageStrings } from "./strings.ts";
import { uploadLimitsFromEnv, Uploads, type UploadLimits } from "./uploads.ts";

export interface PlaygroundOptions {
  producer: Producer;
  events: ClipEvents;
  store: ClipStore;
  /** A client for health pings and the session secret (shared; the playground does not close it). */
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
  /** Upload quotas; default from PLAYGROUND_UPLOAD_* (uploads.ts). */
  uploadLimits?: Partial<UploadLimits>;
  editIntervalMs?: number;
  /** How often followed jobs are checked for having vanished (bot/core/follow-job.ts); default 20 s. */
  watchEveryMs?: number;
  /** Per-server /defaults, shared with the chat adapters. */
  defaults?: ServerDefaults;
  /** PLAYGROUND_TOKEN: when set, every playground route wants it (access.ts). */
  token?: string;
  /** Which message and thread show which clip (shared with the chat adapters); default links under the queue's prefix. */
  links?: ClipLinks;
  /** Where each job's result goes (shared with the chat adapters); default a book of the playground's own. */
  deliveries?: DeliveryBook;
  /** Slack in HTTP mode: Bolt's handler for POST /slack/events (it reads the raw body itself to check signatures). */
  slackHttpHandler?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface PlaygroundRoutes {
  readonly sessions: Sessions;
  readonly metrics: PlaygroundMetrics;
  readonly uploads: Uploads;
  close(): Promise<void>;
}

export interface Playground extends PlaygroundRoutes {
  readonly url: string;
  readonly port: number;
}

const PAGE_DIR = new URL("./page/", import.meta.url);
/** Read once: the page is part of the build, not content that changes while running. */
const STATIC: Record<string, { data: Buffer; type: string }> = Object.fromEntries(
  [["/", "index.html"], ["/page.js", "page.js"], ["/page.css", "page.css"]].map(([route, file]) =>
    [route, { data: readFileSync(new URL(file, PAGE_DIR)), type: contentType(file) }]),
);
/** Minimum time between two edits of one message: a browser has no rate limit, but a page need not redraw 50×/s. */
const EDIT_INTERVAL_MS = 250;
/** Clips and their previews may be shown; uploaded conditioning frames stay private to the job. */
const PUBLIC_BLOBS = /^(clips|previews)\//;

/** The playground's routes on `http`. */
export async function mountPlayground(http: HttpServer, o: PlaygroundOptions): Promise<PlaygroundRoutes> {
  const log = o.log ?? ((line: string) => console.log(line));
  const sessions = new Sessions();
  const ids = await SessionIds.open(o.redis, `${o.producer.prefix}:playground:secret`);
  const uploads = await Uploads.open({ ...uploadLimitsFromEnv(o.maxImageBytes), ...o.uploadLimits });
  const lostJobs = new LostJobs(o.redis, `${o.producer.prefix}:lost`);
  // Sessions live in this process's memory; the book lets a restarted process finish a job for a page that came back.
  const deliveries = o.deliveries ?? new DeliveryBook(o.redis, { prefix: `${o.producer.prefix}:delivery` });
  const links = o.links ?? new ClipLinks(o.redis, o.store, { prefix: `${o.producer.prefix}:links` });
  const delivery = new Delivery({
    port: new PlaygroundPort(sessions), events: o.events, store: o.store, links, deliveries, log,
    status: (jobId) => o.producer.status(jobId), intervalMs: o.editIntervalMs ?? EDIT_INTERVAL_MS, lostJobs,
    ...(o.watchEveryMs ? { watchEveryMs: o.watchEveryMs } : {}),
  });
  delivery.start();
  const metrics = createMetrics({ queue: o.producer.queue, events: o.events, sseClients: () => sessions.clientCount, log });
  const api = new PlaygroundApi(
    {
      producer: o.producer, clips: links, store: o.store, blocklist: o.blocklist ?? loadBlocklist(), model: o.model, log, delivery, uploads,
      ...(o.defaults ? { defaults: o.defaults } : {}), lostJobs,
    },
    sessions, ids,
  );
  const gate = accessGate(o.token);
  const gated = (fn: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void) =>
    (req: IncomingMessage, res: ServerResponse, url: URL) => (gate.check(req, res, url) ? fn(req, res, url) : undefined);

  http.mount(["GET", "HEAD"], "/metrics", async (_req, res) => sendText(res, 200, await metrics.registry.metrics(), metrics.registry.contentType));
  for (const path of Object.keys(STATIC)) {
    http.mount(["GET", "HEAD"], path, gated((req, res) => {
      const file = STATIC[path]!;
      // The page loads only its own script, style, clips and uploads: an injected tag could do nothing.
      res.setHeader("content-security-policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self'; object-src 'none'; base-uri 'none'");
      sendBytes(req, res, file.data, file.type, "no-cache");
    }));
  }
  http.mount(["GET"], "/api/strings", gated((_req, res, url) => sendJson(res, 200, pageStrings(url.searchParams.get("locale") ?? undefined, o.model))));
  http.mount(["GET"], "/api/events", gated((_req, res, url) => {
    const session = api.session(url.searchParams.get("session"));
    if (!session) return sendJson(res, 400, { error: { key: "playground.badRequest" } });
    session.attach(res);
  }));
  http.mount(["GET", "HEAD"], "/blobs/", gated((req, res, url) => blob(req, res, url.pathname.slice("/blobs/".length))));
  http.mount(["GET", "HEAD"], "/uploads/", gated(async (req, res, url) => {
    // Only for the session that sent it: the page names its session in the query.
    const up = uploads.get(url.pathname, api.sessionId(url.searchParams.get("session")));
    const data = up && (await uploads.read(up).catch(() => undefined));
    return data ? sendBytes(req, res, data, up.contentType, "private, max-age=1800") : sendText(res, 404, "not found");
  }));
  // The page's session: the one it holds when this deployment issued it, else a new one.
  http.mount(["POST"], "/api/session", gated(async (req, res) => {
    const held = (await readJson(req).catch(() => undefined))?.session;
    sendJson(res, 200, { session: api.sessionId(held) ?? api.newSession() });
  }));
  http.mount(["POST"], "/api/upload", gated(async (req, res, url) => {
    const q = url.searchParams;
    const declared = Number(req.headers["content-length"] ?? NaN);
    reply(res, await api.upload(q.get("session"), q.get("locale"), req, Number.isFinite(declared) ? declared : undefined, q.get("name") ?? ""));
  }));
  const handlers: Record<string, (b: Record<string, unknown>) => Promise<ApiResult>> = {
    "/api/message": (b) => api.message(b),
    "/api/reply": (b) => api.reply(b),
    "/api/button": (b) => api.button(b),
    "/api/remix": (b) => api.remix(b),
  };
  for (const [path, handler] of Object.entries(handlers)) {
    http.mount(["POST"], path, gated(async (req, res) => {
      const body = await readJson(req).catch(() => undefined);
      if (!body) return sendJson(res, 400, { error: { key: "playground.badRequest" } });
      reply(res, await handler(body));
    }));
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

  return {
    sessions, metrics, uploads,
    async close() {
      await delivery.close();
      if (!o.deliveries) await deliveries.stop({ release: true });
      sessions.close();
      await uploads.close();
    },
  };
}

/** The playground on an HTTP server of its own, with /health (and Slack's route when given). */
export async function startPlayground(o: PlaygroundOptions & { adapters?: () => Record<string, AdapterHealth> }): Promise<Playground> {
  const http = new HttpServer(o.log);
  mountHealth(http, { redis: o.redis, redisUrl: o.redisUrl, queue: o.producer.queue, model: o.model, adapters: o.adapters });
  if (o.slackHttpHandler) {
    const slack = o.slackHttpHandler;
    http.mount(["POST"], "/slack/events", (req, res) => slack(req, res));
  }
  const routes = await mountPlayground(http, o);
  await http.listen(o.port ?? 8080, o.host ?? "127.0.0.1");
  return {
    ...routes, url: http.url, port: http.port,
    async close() {
      await routes.close();
      await http.close();
    },
  };
}

function reply(res: ServerResponse, r: ApiResult): void {
  sendJson(res, r.status, r.body);
}
