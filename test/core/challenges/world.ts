// The challenge kernel on the shared Redis under a prefix of its own, with the real clip store (a temporary folder)
// and a recording platform port: what a platform was asked to post and edit is all the test reads. Clips are stored
// directly, as a worker would store them.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis } from "../../../engine/queue/connection.ts";
import { FsClipStore } from "../../../engine/store/index.ts";
import type { ClipRecord } from "../../../engine/store/types.ts";
import type { ChallengeMessage } from "../../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../../commands/challenge-service.ts";
import { ChallengeKernel } from "../../../bot/core/challenges/service.ts";
import { CannotPost, type ChallengePort } from "../../../bot/core/challenges/port.ts";
import type { OpenRequest } from "../../../bot/core/delivery.ts";
import { ListQueue, MapClips, RecordingContext } from "../../commands/harness.ts";
import { cleanup } from "../../queue/helpers.ts";

export interface Posted { id: string; place: ChallengePlace; text: string; buttons: string[]; buttonIds: string[]; clipId?: string; edits: string[]; at: number; key?: string }

/**
 * What the next post does after it has gone out: "lost", its answer never arrives (the call fails: a timeout, a
 * dropped connection); "crash", the process stops right there (the call never returns, nothing after it runs).
 */
export type AfterPost = "lost" | "crash";

/** A platform as the challenge kernel sees it: every post kept, in order. */
export class RecordingPort implements ChallengePort<{ channelId: string }> {
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
  async canPost(place: ChallengePlace) { return !this.forbidden.has(place.channelId); }
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

export class ChallengeWorld {
  readonly prefix = `test-challenges-${randomUUID().slice(0, 8)}`;
  readonly redis = connectRedis();
  readonly dir = mkdtempSync(join(tmpdir(), "sora-challenges-"));
  readonly store = new FsClipStore(this.dir);
  readonly queue = new ListQueue();
  readonly port = new RecordingPort();
  readonly opened: OpenRequest<{ channelId: string }>[] = [];
  readonly logs: string[] = [];
  readonly place: ChallengePlace = { platform: "discord", serverId: "guild-1", channelId: "chan-1" };
  private readonly kernels: ChallengeKernel<{ channelId: string }>[] = [];

  /** One bot process's kernel; `run` starts its queue worker (deadlines, pending entries). */
  kernel(run = true, o: { postLeaseMs?: number } = {}): ChallengeKernel<{ channelId: string }> {
    const k = new ChallengeKernel({
      redis: this.redis, prefix: this.prefix, port: this.port, producer: this.queue, store: this.store, log: (l) => this.logs.push(l), ...o,
      delivery: { open: async (r) => { this.opened.push(r); return { place: r.at!, done: new Promise(() => undefined) }; } },
    });
    if (run) k.run();
    this.kernels.push(k);
    return k;
  }

  async clip(userId: string, prompt = "a red ball bouncing"): Promise<ClipRecord> {
    return this.store.putClip({
      kind: "generate", prompt, expandedPrompt: prompt, seed: 1, params: {}, frames: { width: 64, height: 64, fps: 8, count: 8 },
      origin: { platform: "discord", userId, serverId: "guild-1", locale: "en" },
    }, { video: { data: Buffer.from("not really an mp4"), ext: "mp4" } });
  }

  /** A person's event in the channel, as commands see it. */
  ctx(k: ChallengeKernel<{ channelId: string }>, userId: string, o: { organizer?: boolean; eventId?: string; locale?: string } = {}): RecordingContext {
    const ctx = new RecordingContext({ producer: this.queue, clips: new MapClips(), userId, ...(o.eventId ? { eventId: o.eventId } : {}), ...(o.locale ? { locale: o.locale } : {}) });
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
    for (const k of this.kernels) await k.close();
    await cleanup(this.redis, this.prefix);
    await this.redis.quit();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
