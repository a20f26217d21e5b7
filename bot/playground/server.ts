// The playground's routes on the process's HTTP server (bot/http): the page and its two static files, the API the
// page calls, the SSE stream and uploads. The start-up code (bot/start/http.ts) creates the server and mounts the
// rest (health, metrics, blobs, Slack's receiver) beside it.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import { Gauge, type Registry } from "prom-client";
import { loadBlocklist } from "../../commands/moderation.ts";
import { kernel, type AdapterOptions } from "../core/adapter.ts";
import { PlaygroundChallengePort } from "./challenge-port.ts";
import type { AccessGate } from "../http/access.ts";
import { contentType, readJson, sendBytes, sendJson, sendText } from "../http/respond.ts";
import type { HttpServer } from "../http/server.ts";
import { PlaygroundApi, type ApiResult } from "./api.ts";
import { PlaygroundPort } from "./port.ts";
import { SessionIds } from "../web/session-ids.ts";
import { Sessions } from "../web/sessions.ts";
import { pageStrings } from "./strings.ts";
import { uploadLimitsFromEnv, Uploads, type UploadLimits } from "../web/uploads.ts";

export interface PlaygroundOptions extends Omit<AdapterOptions, "blocklist"> {
  blocklist?: AdapterOptions["blocklist"];
  /** For the session secret (shared; the playground does not close it). */
  redis: Redis;
  /** Prefix of the playground's own Redis keys (the queue's). */
  prefix: string;
  /** PLAYGROUND_TOKEN's gate: every playground route wants it (bot/http/access.ts). */
  gate: AccessGate;
  /** Where /metrics is collected: the playground adds its open pages. */
  metrics?: Registry;
  /** Upload quotas; default from PLAYGROUND_UPLOAD_* (uploads.ts). */
  uploadLimits?: Partial<UploadLimits>;
}

export interface PlaygroundRoutes {
  readonly sessions: Sessions;
  readonly uploads: Uploads;
  close(): Promise<void>;
}

const PAGE_DIR = new URL("../web/page/", import.meta.url);
/** Read once: the page is part of the build, not content that changes while running. */
const STATIC: Record<string, { data: Buffer; type: string }> = Object.fromEntries(
  [["/", "index.html"], ["/page.js", "page.js"], ["/page.css", "page.css"]].map(([route, file]) =>
    [route, { data: readFileSync(new URL(file, PAGE_DIR)), type: contentType(file) }]),
);
/** Minimum time between two edits of one message: a browser has no rate limit, but a page need not redraw 50×/s. */
const EDIT_INTERVAL_MS = 250;

/** The playground's routes on `http`. */
export async function mountPlayground(http: HttpServer, o: PlaygroundOptions): Promise<PlaygroundRoutes> {
  const sessions = new Sessions();
  const ids = await SessionIds.open(o.redis, `${o.prefix}:playground:secret`);
  const uploads = await Uploads.open({ ...uploadLimitsFromEnv(o.maxImageBytes), ...o.uploadLimits });
  // Sessions live in this process's memory; the book lets a restarted process finish a job for a page that came back.
  const { delivery, services, challenges } = kernel({ ...o, blocklist: o.blocklist ?? loadBlocklist() }, new PlaygroundPort(sessions), { progressIntervalMs: EDIT_INTERVAL_MS },
    new PlaygroundChallengePort(sessions));
  delivery.start();
  challenges?.run();
  if (o.metrics) {
    new Gauge({
      name: "sora_playground_connections", help: "Open playground pages (Server-Sent Event streams).", registers: [o.metrics],
      collect() {
        this.set(sessions.clientCount);
      },
    });
  }
  const api = new PlaygroundApi({ ...services, store: o.store, delivery, uploads }, sessions, ids);
  const gated = (fn: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void) =>
    (req: IncomingMessage, res: ServerResponse, url: URL) => (o.gate.check(req, res, url) ? fn(req, res, url) : undefined);

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

  return {
    sessions, uploads,
    async close() {
      await challenges?.close();
      await delivery.close();
      sessions.close();
      await uploads.close();
    },
  };
}

function reply(res: ServerResponse, r: ApiResult): void {
  sendJson(res, r.status, r.body);
}
