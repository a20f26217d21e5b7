// Everything one machine runs, wired in one place: Redis (found or started), the clip store, the queue's producer and
// events, an engine worker (unless this host only serves bots), the HTTP server (playground, /health, /metrics, blobs,
// Slack's receiver: bot/start/http.ts) and the platform adapters whose tokens are set. close() takes it all down in
// reverse order.
import { checkSettings, SettingError } from "../../engine/config/settings.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { connectRedis } from "../../engine/queue/connection.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { FsClipStore, openStore } from "../../engine/store/index.ts";
import { t } from "../../commands/i18n.ts";
import { loadBlocklist } from "../../commands/moderation.ts";
import { DeliveryBook } from "../core/deliveries.ts";
import { migrateFsLinks } from "../core/link-migration.ts";
import { ClipLinks } from "../core/links.ts";
import { LostJobs } from "../core/lost-jobs.ts";
import { RedisServerDefaults } from "../core/defaults-store.ts";
import { SharedImages } from "../core/shared-images.ts";
import { startAdapters, type Adapters } from "./adapters.ts";
import { startHttp, type HttpApp } from "./http.ts";
import { configuredModelName } from "./model.ts";
import { ensureRedis } from "./redis.ts";

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  /** Run an engine worker in this process (`npm start`), or only the bots and the playground (`npm run bot`). */
  worker: boolean;
  log?: (line: string) => void;
}

export interface App {
  /** The playground's address; undefined in a Discord shard process other than shard 0's (see servesHttp). */
  url: string | undefined;
  /** The chat platforms and where each stands (absent in a shard process without HTTP, before start-up ends). */
  adapters?: Adapters;
  close(): Promise<void>;
}

function intEnv(v: string | undefined, fallback: number | undefined): number | undefined {
  const n = Number(v);
  return v?.trim() && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** Operator messages follow the host's language (LANG=de_DE.UTF-8 → German), or SORA_LOG_LOCALE. */
export function logLocale(env: NodeJS.ProcessEnv): string | undefined {
  return env.SORA_LOG_LOCALE || env.LANG;
}

/**
 * Whether this process runs the HTTP server (playground, /health, /metrics, blob links, Slack over HTTP). discord.js's
 * ShardingManager starts one process per shard, all with the same PORT: only the one holding shard 0 serves it.
 * The manager puts the shard id in SHARDS (a JSON number, or a list when one process holds several).
 */
export function servesHttp(env: NodeJS.ProcessEnv): boolean {
  const raw = env.SHARDS?.trim();
  if (!raw) return true;
  try {
    const shards = JSON.parse(raw) as unknown;
    return Array.isArray(shards) ? shards.includes(0) : shards === 0;
  } catch {
    return true;
  }
}

export async function startApp(o: AppOptions): Promise<App> {
  const env = o.env ?? process.env;
  const log = o.log ?? ((line: string) => console.log(line));
  const locale = logLocale(env);
  // Every limit the loaded modules declare, checked before anything starts: a typo is one clear line, not a crash later.
  const bad = checkSettings(env);
  if (bad.length) throw new SettingError(bad.join("\n"));
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      await c.close().catch((err) => log(`shutdown: ${c.name}: ${(err as Error)?.message ?? err}`));
    }
  };

  try {
    const redis = await ensureRedis({ url: env.REDIS_URL, explicit: Boolean(env.REDIS_URL?.trim()), locale, log });
    closers.push({ name: "redis-server", close: () => redis.stop() });
    // The store's redis backend must use the same server, including one we just started.
    const store = openStore({ ...env, REDIS_URL: redis.url });
    closers.push({ name: "store", close: () => store.close() });

    const prefix = env.SORA_QUEUE_PREFIX || "sora";
    // The worker's own setting (engine/worker/config.ts); the producer needs it too, for its ETAs.
    const concurrency = intEnv(env.SORA_WORKER_CONCURRENCY, undefined);
    const client = connectRedis(redis.url);
    closers.push({ name: "redis client", close: () => client.quit() });
    const producer = new Producer({ redis: client, prefix, store, workerSlots: concurrency ?? 1 });
    closers.push({ name: "producer", close: () => producer.close() });
    // QueueEvents blocks its connection: it gets its own.
    const eventsClient = connectRedis(redis.url);
    closers.push({ name: "events client", close: () => eventsClient.quit() });
    const events = new ClipEvents({ redis: eventsClient, prefix });
    closers.push({ name: "events", close: () => events.close() });
    events.on("error", (err) => log(`queue events: ${err.message}`));
    await events.ready();

    let model = configuredModelName(env);
    if (o.worker) {
      // Loaded only here: a bot-only host never loads onnxruntime.
      const { startEngineWorker } = await import("../../engine/worker/index.ts");
      const device = env.SORA_DEVICE === "cuda" ? "cuda" : "cpu";
      const worker = await startEngineWorker({
        redis: redis.url, prefix, store, device, log, ...(concurrency ? { concurrency } : {}),
        modelDir: env.SORA_MODEL?.trim() || undefined, threads: intEnv(env.SORA_THREADS, undefined),
      });
      closers.push({ name: "engine worker", close: () => worker.close() });
      model = worker.info.name;
      log(t(locale, "startup.workerReady", { model, device: `${worker.info.device} (${worker.info.precision})`, concurrency: concurrency ?? 1 }));
    } else {
      log(t(locale, "startup.noWorker"));
    }

    const blocklist = loadBlocklist(env);
    // One /defaults store for every adapter, on the queue's client (sora:defaults:<platform>:<server>).
    const defaults = new RedisServerDefaults(client, { prefix: `${prefix}:defaults` });
    // Images people shared just before a /sora that carries no file (Slack's), taken by that /sora.
    const sharedImages = new SharedImages(client, { prefix: `${prefix}:shared-images` });
    // Where each chat job's result goes, shared by every bot process on this Redis: a result whose process stopped is
    // posted by another (or this one, restarted) into the place it was meant for. Released claims on shutdown are
    // adopted at once elsewhere.
    const deliveries = new DeliveryBook(client, { prefix: `${prefix}:delivery` });
    // Which message and thread show which clip, for every adapter. With the Redis clip store, the links it kept before
    // they moved to the bot's own keys are still read.
    const links = new ClipLinks(client, store, {
      prefix: `${prefix}:links`, ...(env.SORA_STORE === "redis" ? { earlierPrefix: env.SORA_STORE_PREFIX || "sora:store" } : {}),
    });
    // With the fs clip store, the links it kept in its own folders before that are moved over once (link-migration.ts).
    if (store instanceof FsClipStore) {
      const moved = await migrateFsLinks({ redis: client, prefix: `${prefix}:links`, links, store, dir: store.dir })
        .catch((err: Error) => log(`links: the fs store's earlier links were not moved (tried again at the next start): ${err.message}`));
      if (moved && (moved.messages || moved.threads)) log(`links: moved ${moved.messages} message and ${moved.threads} thread links from ${store.dir} to Redis`);
    }
    closers.push({ name: "deliveries", close: () => deliveries.stop({ release: true }) });
    // The HTTP server comes up before any platform login: the playground and /health answer while Discord or Slack
    // connect, or cannot be reached (bot/start/adapters.ts retries them in the background).
    const lostJobs = new LostJobs(client, `${prefix}:lost`);
    // Read by /health and the Slack route from the start; set once the adapters are started below.
    let adapters: Adapters | undefined = undefined;
    let http: HttpApp | undefined;
    if (servesHttp(env)) {
      const token = env.PLAYGROUND_TOKEN?.trim() || undefined;
      const server = await startHttp({
        producer, events, store, links, deliveries, lostJobs, redis: client, redisUrl: redis.url, model, blocklist, log, defaults, token,
        challenges: { redis: client, prefix },
        port: intEnv(env.PORT, 8080) ?? 8080, ...(env.HOST?.trim() ? { host: env.HOST.trim() } : {}),
        adapters: () => adapters?.status() ?? {}, slack: () => adapters?.slackHttpHandler(),
      });
      http = server;
      closers.push({ name: "http server", close: () => server.close() });
      if (server.public && !token) log(t(locale, "startup.playgroundOpen", { url: server.url }));
    }
    const started = await startAdapters({
      env, locale, log, producer, events, store, links, blocklist, model, defaults, deliveries, lostJobs, sharedImages,
      // Prompt challenges keep their state beside the queue's, under the same prefix.
      challenges: { redis: client, prefix },
    });
    adapters = started;
    closers.push({ name: "adapters", close: () => started.close() });

    if (!http) {
      log(t(locale, "startup.shardNoHttp", { shards: env.SHARDS ?? "" }));
      return { url: undefined, close };
    }
    log(t(locale, started.configured.length ? "startup.playground" : "startup.noTokens", { url: http.url }));
    return { url: http.url, adapters: started, close };
  } catch (err) {
    await close();
    throw err;
  }
}
