// One world for the Discord end-to-end tests: the fake Discord with a guild (alice the owner, mallory a stranger,
// mona a moderator), the real queue on the shared Redis under a unique prefix, a temporary fs clip store, optionally
// the real engine worker with the shipped model, and the product's adapter with the real discord.js client.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { connectRedis } from "../../engine/queue/connection.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { FsClipStore } from "../../engine/store/index.ts";
import { startEngineWorker, type EngineWorker } from "../../engine/worker/index.ts";
import { DeliveryBook } from "../../bot/core/deliveries.ts";
import { ClipLinks } from "../../bot/core/links.ts";
import { parseBlocklist } from "../../commands/moderation.ts";
import { startDiscordAdapter, type DiscordAdapter, type DiscordAdapterOptions } from "../../bot/discord/index.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { FakeDiscord, type FakeChannel, type FakeGuild, type FakeUser } from "./fake/server.ts";
import { cleanup } from "../queue/helpers.ts";

export const TEST_PACK = findTestPack();

export interface WorldOptions {
  /** Run the real engine worker (the shipped model). */
  worker?: boolean;
  messageContent?: boolean;
  uploadLimit?: number;
  adapter?: Partial<DiscordAdapterOptions>;
  /** Set up the fake further before the adapter connects. */
  prepare?: (w: World) => void | Promise<void>;
}

export class World {
  readonly logs: string[] = [];
  readonly prefix = `test-discord-${randomUUID().slice(0, 8)}`;
  adapter: DiscordAdapter | undefined;
  worker: EngineWorker | undefined;
  alice!: FakeUser;
  mallory!: FakeUser;
  mona!: FakeUser;
  guild!: FakeGuild;
  general!: FakeChannel;
  readonly storeDir = mkdtempSync(join(tmpdir(), "sora-discord-test-"));
  readonly store = new FsClipStore(this.storeDir);
  readonly redis: Redis = connectRedis();
  /** Which message and thread show which clip: the bot's links, as every adapter of this world shares them. */
  readonly links = new ClipLinks(this.redis, this.store, { prefix: `${this.prefix}:links` });
  readonly producer: Producer;
  readonly events: ClipEvents;
  /** This "process"'s delivery book; a test may swap in another (a second process, or one after a crash). */
  deliveries: DeliveryBook;
  private readonly books: DeliveryBook[] = [];
  /** Other bot processes a test started (startOtherProcess). */
  private readonly others: DiscordAdapter[] = [];

  private constructor(readonly fake: FakeDiscord, private readonly opts: WorldOptions) {
    const many = { max: 1000, windowSeconds: 60 };
    this.producer = new Producer({ redis: connectRedis(), prefix: this.prefix, store: this.store, rateLimits: { user: many, server: many } });
    this.events = new ClipEvents({ prefix: this.prefix, redis: connectRedis() });
    this.deliveries = this.book();
  }

  /** A delivery book on this world's prefix: one per simulated bot process. */
  book(opts: { owner?: string; claimMs?: number } = {}): DeliveryBook {
    const b = new DeliveryBook(this.redis, { prefix: `${this.prefix}:delivery`, ...opts });
    this.books.push(b);
    return b;
  }

  static async start(opts: WorldOptions = {}): Promise<World> {
    const fake = await FakeDiscord.start({ messageContent: opts.messageContent, uploadLimit: opts.uploadLimit });
    const w = new World(fake, opts);
    w.alice = fake.addUser("alice");
    w.mallory = fake.addUser("mallory");
    w.mona = fake.addUser("mona");
    const { guild, general, moderators } = fake.addGuild("Clip Club", w.alice);
    w.guild = guild;
    w.general = general;
    fake.addMember(guild, w.mallory);
    fake.addMember(guild, w.mona, [moderators]);
    await w.events.ready();
    if (opts.worker) {
      if (!TEST_PACK.dir) throw new Error(TEST_PACK.reason);
      w.worker = await startEngineWorker({ redis: connectRedis(), prefix: w.prefix, store: w.store, modelDir: TEST_PACK.dir, threads: 1, log: (l) => w.logs.push(`[worker] ${l}`) });
    }
    await opts.prepare?.(w);
    await w.startAdapter();
    return w;
  }

  async startAdapter(extra: Partial<DiscordAdapterOptions> = {}): Promise<DiscordAdapter> {
    this.adapter = await startDiscordAdapter(this.adapterOptions(extra));
    return this.adapter;
  }

  private adapterOptions(extra: Partial<DiscordAdapterOptions>): DiscordAdapterOptions {
    return {
      token: this.fake.token,
      apiBase: this.fake.apiBase,
      producer: this.producer,
      events: this.events,
      store: this.store,
      links: this.links,
      blocklist: parseBlocklist("nude\ngore\n", "test-blocklist.txt"),
      model: "tiny-sora-test",
      cdnHosts: [this.fake.cdnHost],
      log: (l) => this.logs.push(l),
      deliveries: this.deliveries,
      adoptEveryMs: 300,
      ...this.opts.adapter,
      ...extra,
    };
  }

  /**
   * A second bot process against the same fake, queue, store and Redis, with a delivery book of its own (not
   * this.adapter; closed by close() unless the caller closes it first). Its log lines start with "[other] ". The fake
   * dispatches every event to every session, so start it once the interactions a test sends have been answered.
   */
  async startOtherProcess(extra: Partial<DiscordAdapterOptions> = {}): Promise<DiscordAdapter> {
    const other = await startDiscordAdapter(this.adapterOptions({ log: (l) => this.logs.push(`[other] ${l}`), deliveries: this.book(), ...extra }));
    this.others.push(other);
    return other;
  }

  async restartAdapter(extra: Partial<DiscordAdapterOptions> = {}): Promise<DiscordAdapter> {
    await this.adapter?.close();
    await this.fake.waitFor(() => this.fake.gateway.connected === 0, 10_000, "old gateway session closed");
    return this.startAdapter(extra);
  }

  /** Jobs waiting or running in this world's queue. */
  async jobCount(): Promise<number> {
    const info = await this.producer.queueInfo();
    return info.waiting + info.running;
  }

  async close(): Promise<void> {
    await this.adapter?.close().catch(() => undefined);
    for (const o of this.others.splice(0)) await o.close().catch(() => undefined);
    for (const b of this.books) await b.stop();
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
