// One world for the Slack end-to-end tests: the fake Slack with a workspace (alice writes in English, bruno in Spanish,
// mallory is a stranger to alice's clips, ada administers the workspace), the real queue on the shared Redis under a
// unique prefix, a temporary fs clip store, optionally the real engine worker with the shipped model, and the
// product's adapter on the real Bolt app — over Socket Mode, or over signed HTTP through our own node:http server.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterEach } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { FsClipStore, type ClipRecord } from "../../engine/store/index.ts";
import { startEngineWorker, type EngineWorker } from "../../engine/worker/index.ts";
import { DeliveryBook } from "../../bot/core/deliveries.ts";
import { ClipLinks } from "../../bot/core/links.ts";
import { parseBlocklist } from "../../commands/moderation.ts";
import { SLACK_EVENTS_PATH, startSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../../bot/slack/index.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { FakeSlack, type FakeChannel, type FakeMessage, type FakeUser } from "./fake/server.ts";
import { cleanup, keysUnder } from "../queue/helpers.ts";
import { waitForDelivery } from "../core/books.ts";
import type { SlackPlace } from "../../bot/slack/port.ts";

export const TEST_PACK = findTestPack();

/** After a failed test, print what the adapters and the worker logged: a failure on a loaded CI machine is otherwise hard to place. */
export function showLogsOnFailure(world: () => World | undefined): void {
  afterEach(async (ctx) => {
    const w = world();
    if (ctx.task.result?.state !== "fail" || !w) return;
    console.error(`slack and worker logs:\n${w.logs.join("\n")}\ndeliveries in Redis:\n${(await w.deliveryState()).join("\n")}`);
  });
}

export interface WorldOptions {
  /** Run the real engine worker (the shipped model). */
  worker?: boolean;
  transport?: "socket" | "http";
  adapter?: Partial<SlackAdapterOptions>;
}

export class World {
  readonly logs: string[] = [];
  readonly prefix = `test-slack-${randomUUID().slice(0, 8)}`;
  adapter: SlackAdapter | undefined;
  worker: EngineWorker | undefined;
  /** HTTP mode: our stand-in for the playground server, mounting the adapter's handler on /slack/events. */
  http: Server | undefined;
  eventsUrl = "";
  alice!: FakeUser;
  bruno!: FakeUser;
  mallory!: FakeUser;
  ada!: FakeUser;
  general!: FakeChannel;
  readonly storeDir = mkdtempSync(join(tmpdir(), "sora-slack-test-"));
  readonly store = new FsClipStore(this.storeDir);
  /** Which message and thread show which clip: the bot's links, as every adapter of this world shares them. */
  readonly links: ClipLinks;
  readonly redis: Redis = connectRedis();
  readonly producer: Producer;
  readonly events: ClipEvents;
  /** This "process"'s delivery book; a test may pass another (a second process, or one after a crash). */
  readonly deliveries: DeliveryBook;
  private readonly books: DeliveryBook[] = [];

  private constructor(readonly fake: FakeSlack, private readonly opts: WorldOptions) {
    const many = { max: 1000, windowSeconds: 60 };
    this.producer = new Producer({ redis: connectRedis(), prefix: this.prefix, store: this.store, rateLimits: { user: many, server: many } });
    this.events = new ClipEvents({ prefix: this.prefix, redis: connectRedis() });
    this.links = new ClipLinks(this.redis, this.store, { prefix: `${this.prefix}:links` });
    this.deliveries = this.book();
  }

  /** A delivery book on this world's prefix: one per simulated bot process. */
  book(opts: { owner?: string; claimMs?: number } = {}): DeliveryBook {
    const b = new DeliveryBook(this.redis, { prefix: `${this.prefix}:delivery`, ...opts });
    this.books.push(b);
    return b;
  }

  static async start(opts: WorldOptions = {}): Promise<World> {
    const fake = await FakeSlack.start();
    const w = new World(fake, opts);
    w.alice = fake.addUser("alice", { locale: "en-US" });
    w.bruno = fake.addUser("bruno", { locale: "es-LA" });
    w.mallory = fake.addUser("mallory", { locale: "en-GB" });
    w.ada = fake.addUser("ada", { locale: "en-US", admin: true });
    w.general = fake.addChannel("general", { botMember: true });
    await w.events.ready();
    if (opts.worker) {
      if (!TEST_PACK.dir) throw new Error(TEST_PACK.reason);
      w.worker = await startEngineWorker({ redis: connectRedis(), prefix: w.prefix, store: w.store, modelDir: TEST_PACK.dir, threads: 1, log: (l) => w.logs.push(`[worker] ${l}`) });
    }
    await w.startAdapter();
    return w;
  }

  /**
   * A second bot process in Socket Mode against the same fake, queue, store and Redis (not this.adapter; the caller
   * closes it). The fake delivers each event to the first connection, so the world's own adapter keeps receiving them.
   */
  async startOtherProcess(extra: Partial<SlackAdapterOptions>): Promise<SlackAdapter> {
    const connected = this.fake.socket.connected;
    const other = await startSlackAdapter({
      botToken: this.fake.botToken, appToken: this.fake.appToken, apiUrl: this.fake.apiUrl,
      producer: this.producer, events: this.events, store: this.store, links: this.links,
      blocklist: parseBlocklist("nude\ngore\n", "test-blocklist.txt"), model: "tiny-sora-test", fileHosts: [this.fake.fileHost],
      log: (l) => this.logs.push(`[other] ${l}`), progressIntervalMs: 100, deliveries: this.book(), adoptEveryMs: 300,
      ...extra,
    });
    await this.fake.waitFor(() => this.fake.socket.connected > connected, 10_000, "the other process's Socket Mode connection");
    return other;
  }

  async startAdapter(extra: Partial<SlackAdapterOptions> = {}): Promise<SlackAdapter> {
    const http = this.opts.transport === "http";
    this.adapter = await startSlackAdapter({
      botToken: this.fake.botToken,
      ...(http ? { signingSecret: this.fake.signingSecret } : { appToken: this.fake.appToken }),
      apiUrl: this.fake.apiUrl,
      producer: this.producer,
      events: this.events,
      store: this.store,
      links: this.links,
      blocklist: parseBlocklist("nude\ngore\n", "test-blocklist.txt"),
      model: "tiny-sora-test",
      fileHosts: [this.fake.fileHost],
      log: (l) => this.logs.push(l),
      progressIntervalMs: 100,
      deliveries: this.deliveries,
      adoptEveryMs: 300,
      ...this.opts.adapter,
      ...extra,
    });
    if (http) {
      const handler = this.adapter.httpHandler!;
      this.http = createServer((req, res) => (req.url?.startsWith(SLACK_EVENTS_PATH) ? handler(req, res) : res.writeHead(404).end()));
      await new Promise<void>((r) => this.http!.listen(0, "127.0.0.1", r));
      this.eventsUrl = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`;
      this.fake.useHttp(this.eventsUrl);
    } else {
      await this.fake.waitFor(() => this.fake.socket.connected > 0, 10_000, "a Socket Mode connection");
    }
    return this.adapter;
  }

  /**
   * Wait until a bot process has recorded the job's delivery with its progress message. A test that stops a process
   * "mid-job" and then follows the original progress message waits for this first: the message is visible a Redis
   * round trip before the delivery names it, and after a crash inside that window the next process posts a progress
   * message of its own (the test for that holds the post itself).
   */
  async recorded(book: DeliveryBook, jobId: string): Promise<void> {
    await waitForDelivery<SlackPlace>(this.redis, `${this.prefix}:delivery`,
      (d) => d.jobId === jobId && !!d.place.ts && book.holds(jobId), `job ${jobId} with its progress message`);
  }

  /** Every delivery key of this world with its value and time to live (what a failed takeover test needs to show). */
  async deliveryState(): Promise<string[]> {
    const keys = (await keysUnder(this.redis, `${this.prefix}:delivery`)).sort();
    return Promise.all(keys.map(async (k) => {
      const type = await this.redis.type(k);
      const value = type === "zset" ? (await this.redis.zrange(k, "0", "-1")).join(" ") : type === "string" ? await this.redis.get(k) : type;
      return `${k} (ttl ${await this.redis.pttl(k)} ms): ${value}`;
    }));
  }

  /** Jobs waiting or running in this world's queue. */
  async jobCount(): Promise<number> {
    const info = await this.producer.queueInfo();
    return info.waiting + info.running;
  }

  /** The store's clip for a bot message, once the adapter has linked it. */
  async clipOf(m: FakeMessage): Promise<ClipRecord> {
    for (let n = 0; n < 200; n++) {
      const clip = await this.links.clipForMessage("slack", m.ts);
      if (clip) return clip;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no clip linked to message ${m.ts}`);
  }

  async close(): Promise<void> {
    await this.adapter?.close().catch(() => undefined);
    for (const b of this.books) await b.stop();
    if (this.http) {
      this.http.closeAllConnections();
      await new Promise<void>((r) => this.http!.close(() => r()));
    }
    await this.worker?.close().catch(() => undefined);
    await this.events.close();
    await this.producer.close();
    await cleanup(this.redis, this.prefix);
    await this.redis.quit();
    await this.store.close();
    await this.fake.close();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
