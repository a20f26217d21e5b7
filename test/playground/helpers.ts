// Test plumbing for the playground: a real playground on the real Redis (a unique queue prefix, removed afterwards)
// with an fs clip store in a temporary folder, plus small HTTP and Server-Sent Event clients.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { connectRedis, redisUrl } from "../../engine/queue/connection.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { FsClipStore } from "../../engine/store/index.ts";
import { parseBlocklist } from "../../commands/moderation.ts";
import { ClipLinks } from "../../bot/core/links.ts";
import { startHttp, type HttpApp } from "../../bot/start/http.ts";
import type { PageMessage } from "../../bot/web/sessions.ts";
import type { UploadLimits } from "../../bot/web/uploads.ts";
import type { RateLimits } from "../../engine/queue/limits.ts";
import type { ServerDefaults } from "../../commands/server-defaults.ts";
import { cleanup } from "../queue/helpers.ts";

export interface TestPlayground {
  pg: HttpApp;
  base: string;
  prefix: string;
  redis: Redis;
  store: FsClipStore;
  links: ClipLinks;
  producer: Producer;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestPlayground(opts: {
  maxImageBytes?: number; uploadLimits?: Partial<UploadLimits>; token?: string; rateLimits?: RateLimits; host?: string;
  watchEveryMs?: number; defaults?: ServerDefaults;
  /** Run prompt challenges (under this playground's prefix). */
  challenges?: boolean;
} = {}): Promise<TestPlayground> {
  const prefix = `sora-pgtest-${randomUUID().slice(0, 8)}`;
  const dir = await mkdtemp(join(tmpdir(), "sora-pg-"));
  const redis = connectRedis();
  const eventsRedis = connectRedis();
  const store = new FsClipStore(dir);
  const producer = new Producer({ redis, prefix, store, ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}) });
  const events = new ClipEvents({ redis: eventsRedis, prefix });
  await events.ready();
  const logs: string[] = [];
  const links = new ClipLinks(redis, store, { prefix: `${prefix}:links` });
  const pg = await startHttp({
    producer, events, store, links, redis, redisUrl: redisUrl(), model: "test-model", port: 0, log: (l) => void logs.push(l),
    blocklist: parseBlocklist("nude\n", "test"), progressIntervalMs: 20, maxImageBytes: opts.maxImageBytes,
    uploadLimits: opts.uploadLimits, token: opts.token, host: opts.host, watchEveryMs: opts.watchEveryMs,
    ...(opts.defaults ? { defaults: opts.defaults } : {}), ...(opts.challenges ? { challenges: { redis, prefix } } : {}),
  });
  return {
    pg, base: pg.url.replace(/\/$/, ""), prefix, redis, store, links, producer, logs,
    async close() {
      await pg.close();
      await events.close();
      await producer.close();
      await cleanup(redis, prefix);
      await redis.quit();
      await eventsRedis.quit();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiAnswer {
  status: number;
  messages: PageMessage[];
  replies: { key: string; text: string }[];
  jobs: string[];
  [k: string]: unknown;
}

export async function api(base: string, path: string, body: Record<string, unknown>): Promise<ApiAnswer> {
  const res = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, ...(await res.json()) };
}

/** Reads a session's event stream; `thread` is the page's view (upserts applied), `events` every raw event. */
export class SseReader {
  readonly thread = new Map<string, PageMessage>();
  readonly events: { event: string; data: unknown }[] = [];
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  constructor(url: string) {
    this.done = this.read(url).catch(() => undefined);
  }

  private async read(url: string): Promise<void> {
    const res = await fetch(url, { signal: this.abort.signal });
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const parsed = JSON.parse(data);
        this.events.push({ event, data: parsed });
        if (event === "reset") for (const m of parsed as PageMessage[]) this.thread.set(m.id, m);
        if (event === "message") this.thread.set((parsed as PageMessage).id, parsed as PageMessage);
        if (event === "remove") this.thread.delete((parsed as { id: string }).id);
      }
    }
  }

  async until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; thread: ${JSON.stringify([...this.thread.values()], null, 1)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/** A session id as the page gets one: issued by the server. */
export async function newSession(base: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: "POST" });
  return ((await res.json()) as { session: string }).session;
}
