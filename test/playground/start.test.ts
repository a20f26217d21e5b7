// The one-machine launcher's parts: finding or starting Redis (and saying how to get one), reporting adapters that
// are not configured, and `npm run bot` mode (no worker) wired end to end without the model.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { parseBlocklist } from "../../commands/moderation.ts";
import { startAdapters } from "../../bot/start/adapters.ts";
import { servesHttp, startApp } from "../../bot/start/app.ts";
import { ensureRedis, redisAnswers, RedisUnavailable, sparePort } from "../../bot/start/redis.ts";
import { connectRedis } from "../../engine/queue/connection.ts";

describe("finding a Redis", () => {
  it("uses the one that answers", async () => {
    const r = await ensureRedis({ url: "redis://127.0.0.1:6379" });
    expect(r).toMatchObject({ url: "redis://127.0.0.1:6379" });
    expect(r.child).toBeUndefined();
  });

  it("starts a private redis-server when nothing answers on the local address, and stops it", async () => {
    const silent = `redis://127.0.0.1:${await sparePort()}`;
    const lines: string[] = [];
    const r = await ensureRedis({ url: silent, explicit: true, log: (l) => void lines.push(l) });
    try {
      expect(r.url).not.toBe(silent);
      expect(r.child?.pid).toBeGreaterThan(0);
      expect(await redisAnswers(r.url)).toBe(true);
      expect(lines.join("\n")).toContain(`No Redis answered at ${silent}; started a private one at ${r.url}`);
    } finally {
      await r.stop();
    }
    expect(await redisAnswers(r.url, 300)).toBe(false);
  });

  it("says how to get one when there is none to start, or when a named remote server is down", async () => {
    const silent = `redis://127.0.0.1:${await sparePort()}`;
    const missing = ensureRedis({ url: silent, redisServer: "redis-server-not-installed-here", locale: "en" });
    await expect(missing).rejects.toThrow(RedisUnavailable);
    await expect(missing).rejects.toThrow(/apt-get install redis-server.*docker compose up redis/);
    await expect(ensureRedis({ url: "redis://no-such-host.invalid:6379", explicit: true, locale: "de" }))
      .rejects.toThrow(t("de", "startup.redisUnreachable", { url: "redis://no-such-host.invalid:6379" }));
  });
});

describe("adapters", () => {
  it("starts Slack when SLACK_BOT_TOKEN is set, and refuses clearly when no transport is configured", async () => {
    const lines: string[] = [];
    const start = startAdapters({
      env: { SLACK_BOT_TOKEN: "xoxb-test" }, locale: "en", log: (l) => void lines.push(l),
      producer: {} as never, events: { on: () => undefined, off: () => undefined } as never, store: {} as never,
      blocklist: parseBlocklist("", "x"), model: "m", deliveries: {} as never, links: {} as never,
    });
    await expect(start).rejects.toThrow(/SLACK_APP_TOKEN .*or SLACK_SIGNING_SECRET/);
  });

  it("starts nothing without tokens", async () => {
    const a = await startAdapters({
      env: {}, locale: "en", log: () => undefined,
      producer: {} as never, events: { on: () => undefined, off: () => undefined } as never, store: {} as never,
      blocklist: parseBlocklist("", "x"), model: "m", deliveries: {} as never, links: {} as never,
    });
    expect(a.configured).toEqual([]);
    expect(a.slackHttpHandler()).toBeUndefined();
    expect(a.status()).toEqual({});
    await a.close();
  });
});

describe("npm run bot (no worker)", () => {
  const prefix = `sora-apptest-${randomUUID().slice(0, 8)}`;
  let dir = "";

  afterAll(async () => {
    const redis = connectRedis();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves the playground, reports no workers and the configured model, and closes", async () => {
    dir = await mkdtemp(join(tmpdir(), "sora-app-"));
    const lines: string[] = [];
    const app = await startApp({
      worker: false, log: (l) => void lines.push(l),
      env: { PORT: "0", SORA_QUEUE_PREFIX: prefix, SORA_STORE_DIR: dir, SORA_LOG_LOCALE: "en" },
    });
    try {
      const h = await (await fetch(`${app.url}health`)).json();
      expect(h).toMatchObject({ status: "degraded", workers: { seen: 0 }, model: "tiny-sora-default", redis: { ok: true } });
      expect(lines).toContain(t("en", "startup.noWorker"));
      expect(lines).toContain(t("en", "startup.noTokens", { url: app.url! }));
    } finally {
      await app.close();
    }
    await expect(fetch(`${app.url}health`)).rejects.toThrow();
  });

  it("serves HTTP before any platform login; an unreachable platform is named in /health and retried", async () => {
    dir = await mkdtemp(join(tmpdir(), "sora-app-"));
    const lines: string[] = [];
    const closedPort = await sparePort();
    const t0 = Date.now();
    const app = await startApp({
      worker: false, log: (l) => void lines.push(l),
      env: {
        PORT: "0", SORA_QUEUE_PREFIX: prefix, SORA_STORE_DIR: dir, SORA_LOG_LOCALE: "en",
        DISCORD_TOKEN: "x.y.z", DISCORD_API_BASE: `http://127.0.0.1:${closedPort}/api`,
      },
    });
    try {
      expect(Date.now() - t0, "start-up does not wait for Discord").toBeLessThan(10_000);
      const page = await fetch(app.url!);
      expect(page.status).toBe(200);
      let h = await (await fetch(`${app.url}health`)).json();
      for (let i = 0; i < 50 && !h.adapters.discord.error; i++) {
        await new Promise((r) => setTimeout(r, 100));
        h = await (await fetch(`${app.url}health`)).json();
      }
      expect(h).toMatchObject({ status: "degraded", adapters: { discord: { state: "connecting", error: expect.stringMatching(/ECONNREFUSED|fetch failed|connect/i) } } });
      expect(lines.some((l) => /^discord: not connected .*trying again in 5 s$/.test(l))).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("warns once at start when the playground is reachable from other machines without PLAYGROUND_TOKEN", async () => {
    dir = await mkdtemp(join(tmpdir(), "sora-app-"));
    for (const [env, warned] of [[{ HOST: "0.0.0.0" }, true], [{ HOST: "0.0.0.0", PLAYGROUND_TOKEN: "t" }, false], [{}, false]] as const) {
      const lines: string[] = [];
      const app = await startApp({
        worker: false, log: (l) => void lines.push(l),
        env: { PORT: "0", SORA_QUEUE_PREFIX: prefix, SORA_STORE_DIR: dir, SORA_LOG_LOCALE: "en", ...env },
      });
      await app.close();
      expect(lines.some((l) => l.includes("has no PLAYGROUND_TOKEN")), JSON.stringify(env)).toBe(warned);
    }
  });

  it("in a Discord shard process other than shard 0's, no HTTP server is started (they would all want PORT)", async () => {
    expect(servesHttp({})).toBe(true);
    expect(servesHttp({ SHARDS: "0", SHARD_COUNT: "4" })).toBe(true);
    expect(servesHttp({ SHARDS: "[0,1]" })).toBe(true);
    expect(servesHttp({ SHARDS: "2", SHARD_COUNT: "4" })).toBe(false);
    expect(servesHttp({ SHARDS: "[2,3]" })).toBe(false);
    dir = await mkdtemp(join(tmpdir(), "sora-app-"));
    const lines: string[] = [];
    const app = await startApp({
      worker: false, log: (l) => void lines.push(l),
      env: { PORT: "0", SORA_QUEUE_PREFIX: prefix, SORA_STORE_DIR: dir, SORA_LOG_LOCALE: "en", SHARDS: "1", SHARD_COUNT: "2" },
    });
    try {
      expect(app.url).toBeUndefined();
      expect(lines).toContain(t("en", "startup.shardNoHttp", { shards: "1" }));
    } finally {
      await app.close();
    }
  });
});
