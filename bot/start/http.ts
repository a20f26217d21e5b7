// The process's one HTTP server and everything that mounts on it: /health (bot/http/ops.ts), /metrics
// (bot/http/metrics.ts), store blobs (bot/http/blobs.ts), Slack's receiver (bot/slack/route.ts) and the playground
// (bot/playground/server.ts). It listens before any platform login, so the playground and /health answer while
// Discord or Slack connect, or cannot be reached. PLAYGROUND_TOKEN's gate guards the playground and the blobs.
import type { Redis } from "ioredis";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { Producer } from "../../engine/queue/producer.ts";
import { DeliveryBook } from "../core/deliveries.ts";
import { ClipLinks } from "../core/links.ts";
import { LostJobs } from "../core/lost-jobs.ts";
import { ChallengeGallery } from "../core/challenges/gallery.ts";
import { ChallengeStore } from "../core/challenges/store.ts";
import { accessGate } from "../http/access.ts";
import { mountBlobs } from "../http/blobs.ts";
import type { AdapterHealth } from "../http/health.ts";
import { mountMetrics, type Metrics } from "../http/metrics.ts";
import { mountHealth } from "../http/ops.ts";
import { HttpServer } from "../http/server.ts";
import { mountPlayground, type PlaygroundOptions } from "../playground/server.ts";
import type { Sessions } from "../web/sessions.ts";
import type { Uploads } from "../web/uploads.ts";
import { mountSlackEvents, type SlackHttpHandler } from "../slack/route.ts";

export interface HttpOptions extends Omit<PlaygroundOptions, "gate" | "metrics" | "prefix" | "producer" | "events" | "deliveries" | "links"> {
  producer: Producer;
  events: ClipEvents;
  redis: Redis;
  redisUrl: string;
  /** Shared with the chat adapters; default a book and links of the server's own (tests, tools). */
  deliveries?: DeliveryBook;
  links?: ClipLinks;
  /** PLAYGROUND_TOKEN. */
  token?: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1: the playground has no login, so it is offered to the network only when asked (HOST=0.0.0.0). */
  host?: string;
  /** Each chat platform's state, for /health. */
  adapters?: () => Record<string, AdapterHealth>;
  /** Slack in HTTP mode: its handler once Slack has started. */
  slack?: () => SlackHttpHandler | undefined;
}

export interface HttpApp {
  readonly url: string;
  readonly port: number;
  /** Reachable from other machines (not only loopback). */
  readonly public: boolean;
  readonly metrics: Metrics;
  readonly sessions: Sessions;
  readonly uploads: Uploads;
  close(): Promise<void>;
}

export async function startHttp(o: HttpOptions): Promise<HttpApp> {
  const log = o.log ?? ((line: string) => console.log(line));
  const prefix = o.producer.prefix;
  const http = new HttpServer(log);
  const deliveries = o.deliveries ?? new DeliveryBook(o.redis, { prefix: `${prefix}:delivery` });
  const links = o.links ?? new ClipLinks(o.redis, o.store, { prefix: `${prefix}:links` });
  const gate = accessGate(o.token);
  mountHealth(http, { redis: o.redis, redisUrl: o.redisUrl, queue: o.producer.queue, model: o.model, adapters: o.adapters });
  const metrics = mountMetrics(http, { queue: o.producer.queue, events: o.events, log });
  mountBlobs(http, { store: o.store, gate });
  if (o.slack) mountSlackEvents(http, o.slack);
  // Prompt challenges' gallery pages (the announcements link here when PUBLIC_URL is set).
  const gallery = new ChallengeGallery({ state: new ChallengeStore(o.redis, prefix), store: o.store });
  http.mount(["GET", "HEAD"], "/challenges/", (req, res, url) => gallery.handle(req, res, url));
  const playground = await mountPlayground(http, {
    ...o, log, prefix, gate, metrics: metrics.registry, deliveries, links, lostJobs: o.lostJobs ?? new LostJobs(o.redis, `${prefix}:lost`),
  });
  try {
    await http.listen(o.port ?? 8080, o.host ?? "127.0.0.1");
  } catch (err) {
    await playground.close();
    throw err;
  }
  return {
    url: http.url, port: http.port, public: http.public, metrics, sessions: playground.sessions, uploads: playground.uploads,
    async close() {
      await playground.close();
      if (!o.deliveries) await deliveries.stop({ release: true });
      await http.close();
    },
  };
}
