// The challenge kernel on the shared Redis under a prefix of its own, with the real clip store (a temporary folder),
// a recording platform port (what a platform was asked to post and edit is all the test reads) and, per simulated bot
// process, the real Delivery with its own DeliveryBook, posting the reel through a recording chat port (the
// platform's clip side). The queue is an in-memory one by default (clips are stored directly, as a worker would), or
// with `engine`, the real Producer on BullMQ with a stub worker that stores every job's clip.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis } from "../../../engine/queue/connection.ts";
import { ClipEvents } from "../../../engine/queue/events.ts";
import { Producer } from "../../../engine/queue/producer.ts";
import { FsClipStore } from "../../../engine/store/index.ts";
import type { ClipRecord } from "../../../engine/store/types.ts";
import type { JobProducer } from "../../../commands/context.ts";
import type { ClipJob } from "../../../engine/queue/schema.ts";
import type { ChallengeMessage } from "../../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../../commands/challenge-service.ts";
import { ChallengeKernel, type ChallengeKernelOptions } from "../../../bot/core/challenges/service.ts";
import { CannotPost, type ChallengePort } from "../../../bot/core/challenges/port.ts";
import { DeliveryBook } from "../../../bot/core/deliveries.ts";
import { Delivery, type ChatPort, type ClipShow, type JobPlace, type PostedClip, type ProgressShow } from "../../../bot/core/delivery.ts";
import { ClipLinks } from "../../../bot/core/links.ts";
import { ListQueue, MapClips, RecordingContext } from "../../commands/harness.ts";
import { startStubWorker, type StubWorker } from "../../discord/stub-worker.ts";
import { cleanup } from "../../queue/helpers.ts";

/** Where a reel goes on the recording platform: the channel, and its progress message once posted. */
export interface ReelPlace { channelId: string; message?: string }

/** One message of the platform's clip side: a job's progress message, or its clip. */
export interface Shown { id: string; kind: "progress" | "clip"; jobId: string; channelId: string; text: string; clipId?: string; edits: number }

/** The platform's clip side as every process's Delivery sees it (its ChatPort): progress messages and clips, kept. */
export class RecordingChat implements ChatPort<ReelPlace> {
  readonly platform = "discord" as const;
  readonly can = { uploads: false, buttons: true, threads: false, previews: false };
  readonly messages: Shown[] = [];
  /** Set by a test: the next progress message is never posted and the call never returns (its process stopped there). */
  stopAtNextProgress = false;
  messageOf(place: ReelPlace) { return place.message; }
  uploadLimit() { return undefined; }
  serves() { return true; }
  async postProgress(job: JobPlace<ReelPlace>, show: ProgressShow): Promise<ReelPlace> {
    if (this.stopAtNextProgress) {
      this.stopAtNextProgress = false;
      return new Promise(() => undefined);
    }
    const id = this.add({ kind: "progress", jobId: job.jobId, channelId: job.place.channelId, text: show.text, edits: 0 });
    return { ...job.place, message: id };
  }
  async editProgress(job: JobPlace<ReelPlace>, show: ProgressShow): Promise<void> {
    const m = this.messages.find((x) => x.id === job.place.message)!;
    m.text = show.text;
    m.edits += 1;
  }
  async postClip(job: JobPlace<ReelPlace>, show: ClipShow): Promise<PostedClip> {
    const id = this.add({ kind: "clip", jobId: job.jobId, channelId: job.place.channelId, text: show.link, clipId: show.clip.id, edits: 0 });
    return { messages: [id] };
  }
  async removeClip() {}
  /** A job's messages of one kind. */
  of(jobId: string, kind: Shown["kind"]): Shown[] {
    return this.messages.filter((m) => m.jobId === jobId && m.kind === kind);
  }
  private add(m: Omit<Shown, "id">): string {
    const id = `d${this.messages.length + 1}`;
    this.messages.push({ id, ...m });
    return id;
  }
}

export interface Posted { id: string; place: ChallengePlace; text: string; buttons: string[]; buttonIds: string[]; clipId?: string; edits: string[]; at: number; key?: string }

/**
 * What the next post does after it has gone out: "lost", its answer never arrives (the call fails: a timeout, a
 * dropped connection); "crash", the process stops right there (the call never returns, nothing after it runs).
 */
export type AfterPost = "lost" | "crash";

/** A platform as the challenge kernel sees it: every post kept, in order. */
export class RecordingPort implements ChallengePort<ReelPlace> {
  readonly platform = "discord" as const;
  readonly uploads = false;
  readonly posts: Posted[] = [];
  /** Set by a test: what happens after the next post (then cleared). */
  afterPost: AfterPost | undefined;
  /** Channels that refuse the bot's posts (CannotPost), and ones canPost says no to before anything is posted. */
  readonly refusing = new Set<string>();
  readonly forbidden = new Set<string>();
  /** Without find (a platform that cannot look back), an earlier attempt's post is posted again. */
  findable = true;
  time(ms: number) { return `<t:${Math.floor(ms / 1000)}:f>`; }
  mention(userId: string) { return `<@${userId}>`; }
  async post(place: ChallengePlace, m: ChallengeMessage, key?: string) { return this.add(place, m, undefined, key); }
  async postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, _video?: Buffer, key?: string) { return this.add(place, m, clip.id, key); }
  /** Set by a test: how many of the next canPost calls fail (the platform did not answer). */
  canPostFails = 0;
  async canPost(place: ChallengePlace) {
    if (this.canPostFails > 0) {
      this.canPostFails -= 1;
      throw new Error("test: the platform did not answer");
    }
    return !this.forbidden.has(place.channelId);
  }
  find = async (place: ChallengePlace, m: ChallengeMessage, since: number) => {
    if (!this.findable) return undefined;
    const ids = new Set(m.buttons.map((b) => b.id));
    return this.posts.find((p) => p.place.channelId === place.channelId && p.at >= since && (ids.size ? p.buttonIds.some((id) => ids.has(id)) : p.text === m.text))?.id;
  };
  async edit(_place: ChallengePlace, id: string, m: ChallengeMessage) {
    const p = this.posts.find((x) => x.id === id)!;
    p.edits.push(m.text);
    p.text = m.text;
    p.buttons = m.buttons.map((b) => b.label);
  }
  reelPlace(place: ChallengePlace) { return { channelId: place.channelId }; }
  private add(place: ChallengePlace, m: ChallengeMessage, clipId?: string, key?: string): Promise<string> {
    if (this.refusing.has(place.channelId)) return Promise.reject(new CannotPost(place.channelId, "test: the channel refuses posts"));
    const id = `m${this.posts.length + 1}`;
    this.posts.push({
      id, place, text: m.text, buttons: m.buttons.map((b) => b.label), buttonIds: m.buttons.map((b) => b.id), edits: [], at: Date.now(),
      ...(clipId ? { clipId } : {}), ...(key ? { key } : {}),
    });
    const after = this.afterPost;
    this.afterPost = undefined;
    if (after === "lost") return Promise.reject(new Error("test: the answer to the post was lost"));
    if (after === "crash") return new Promise(() => undefined);
    return Promise.resolve(id);
  }
}

/** One simulated bot process: its challenge kernel, its Delivery and the DeliveryBook its claims are in. */
export interface BotProcess {
  kernel: ChallengeKernel<ReelPlace>;
  delivery: Delivery<ReelPlace>;
  book: DeliveryBook;
}

export interface ProcessOptions {
  /** Start the kernel's queue worker (deadlines, pending entries) and its start-up look for reels left undone. */
  run?: boolean;
  postLeaseMs?: number;
  /** How long the process's delivery claims live without renewal (a stopped process's lapse after this). */
  claimMs?: number;
  /** Take over deliveries whose process stopped, looking this often. */
  adoptEveryMs?: number;
  /** What the kernel is given for the reel instead of the Delivery itself (a test stops the process there). */
  delivery?: (real: Delivery<ReelPlace>) => ChallengeKernelOptions<ReelPlace>["delivery"];
  /** Runs before each job the kernel queues (a test changes the world there, as a race would). */
  beforeEnqueue?: (job: ClipJob) => Promise<void>;
}

export class ChallengeWorld {
  readonly prefix = `test-challenges-${randomUUID().slice(0, 8)}`;
  readonly redis = connectRedis();
  readonly dir = mkdtempSync(join(tmpdir(), "sora-challenges-"));
  readonly store = new FsClipStore(this.dir);
  /** The in-memory queue (without `engine`): what was queued, in order. */
  readonly queue = new ListQueue();
  readonly producer: JobProducer;
  readonly port = new RecordingPort();
  readonly chat = new RecordingChat();
  readonly links = new ClipLinks(this.redis, this.store, { prefix: `${this.prefix}:links` });
  readonly logs: string[] = [];
  readonly place: ChallengePlace = { platform: "discord", serverId: "guild-1", channelId: "chan-1" };
  private readonly events: Pick<ClipEvents, "on" | "off"> & { close?: () => Promise<void>; ready?: () => Promise<unknown> };
  private readonly worker: StubWorker | undefined;
  private readonly processes: BotProcess[] = [];

  /** `engine`: the real Producer on BullMQ (this world's prefix) and a stub worker that stores each job's clip. */
  constructor(o: { engine?: boolean } = {}) {
    if (o.engine) {
      const many = { max: 1000, windowSeconds: 60 };
      this.producer = new Producer({ redis: this.redis, prefix: this.prefix, store: this.store, rateLimits: { user: many, server: many } });
      this.events = new ClipEvents({ prefix: this.prefix });
      this.worker = startStubWorker(this.prefix, this.store, Buffer.from("not really an mp4"));
    } else {
      this.producer = this.queue;
      // The in-memory queue raises no events: the Delivery follows its jobs by their status.
      // (One listener per event type for each simulated process's Delivery.)
      this.events = new EventEmitter().setMaxListeners(0) as unknown as Pick<ClipEvents, "on" | "off">;
    }
  }

  /** The queue's events are being read (engine). */
  async ready(): Promise<void> {
    await this.events.ready?.();
  }

  /** One bot process's kernel; `run` starts its queue worker (deadlines, pending entries). */
  kernel(run = true, o: { postLeaseMs?: number } = {}): ChallengeKernel<ReelPlace> {
    return this.process({ run, ...o }).kernel;
  }

  /** One bot process: its kernel, and its Delivery (taking over stopped processes' deliveries with `adoptEveryMs`). */
  process(o: ProcessOptions = {}): BotProcess {
    const book = new DeliveryBook(this.redis, { prefix: `${this.prefix}:delivery`, owner: `process-${this.processes.length + 1}`, ...(o.claimMs ? { claimMs: o.claimMs } : {}) });
    const delivery = new Delivery<ReelPlace>({
      port: this.chat, events: this.events, store: this.store, links: this.links, deliveries: book, log: (l) => this.logs.push(l),
      status: (id) => this.producer.status(id), ...(o.adoptEveryMs ? { adoptEveryMs: o.adoptEveryMs } : {}), watchEveryMs: 1000,
    });
    if (o.adoptEveryMs) delivery.start();
    const real = this.producer;
    const before = o.beforeEnqueue;
    const producer: JobProducer = before
      ? { enqueue: async (job) => (await before(job), real.enqueue(job)), cancel: (id, by) => real.cancel(id, by), status: (id) => real.status(id), queueInfo: (u) => real.queueInfo(u) }
      : real;
    const kernel = new ChallengeKernel<ReelPlace>({
      redis: this.redis, prefix: this.prefix, port: this.port, producer, store: this.store, log: (l) => this.logs.push(l),
      delivery: o.delivery ? o.delivery(delivery) : delivery, ...(o.postLeaseMs !== undefined ? { postLeaseMs: o.postLeaseMs } : {}),
    });
    if (o.run ?? true) kernel.run();
    const p = { kernel, delivery, book };
    this.processes.push(p);
    return p;
  }

  /**
   * The process stops where it is: its kernel takes no more jobs and its book renews no claims (they lapse, as a
   * crashed process's do, for another process to take over); whatever it was awaiting never comes back.
   */
  async stop(p: BotProcess): Promise<void> {
    await p.kernel.close();
    await p.book.stop();
  }

  async clip(userId: string, prompt = "a red ball bouncing"): Promise<ClipRecord> {
    return this.store.putClip({
      kind: "generate", prompt, expandedPrompt: prompt, seed: 1, params: {}, frames: { width: 64, height: 64, fps: 8, count: 8 },
      origin: { platform: "discord", userId, serverId: "guild-1", locale: "en" },
    }, { video: { data: Buffer.from("not really an mp4"), ext: "mp4" } });
  }

  /** A person's event in the channel, as commands see it. */
  ctx(k: ChallengeKernel<ReelPlace>, userId: string, o: { organizer?: boolean; eventId?: string; locale?: string } = {}): RecordingContext {
    const ctx = new RecordingContext({ producer: this.producer, clips: new MapClips(), userId, ...(o.eventId ? { eventId: o.eventId } : {}), ...(o.locale ? { locale: o.locale } : {}) });
    Object.assign(ctx, { challenges: k, user: { id: userId, name: userId, manager: false, organizer: o.organizer ?? false } });
    // The clips of this world's store, as the kernel reads them.
    ctx.clips.getClip = async (id) => this.store.getClip(id);
    return ctx;
  }

  async waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, limitMs = 30_000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() - start > limitMs) throw new Error(`${what} not reached in ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    for (const p of this.processes) {
      await p.kernel.close();
      await p.delivery.close();
      await p.book.stop();
    }
    await this.worker?.close();
    await this.events.close?.();
    if (this.producer instanceof Producer) await this.producer.close();
    await cleanup(this.redis, this.prefix);
    await this.redis.quit();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
