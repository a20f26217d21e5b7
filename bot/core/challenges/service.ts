// Prompt challenges, written once for every platform: the ChallengeService commands use (commands/challenge.ts),
// over the Redis state (store.ts), the challenge queue (queue.ts: deadlines and entries that outlive any process),
// the platform's ChallengePort (its own posts) and its Delivery (the highlight reel, a normal stitch job).
//
// Idempotent steps: a start, an entry and the results are recorded in Redis before or as they are posted, and each
// post is skipped when its record says it went out; the results are posted only by the deadline job, so a manager's
// /challenge end racing the deadline, or a restart, posts them once.
import type { Challenge, ChallengePlace, ChallengeService, Entry, ScheduleSpec, StartSpec, VoteResult, Author } from "../../../commands/challenge-service.ts";
import { announcement, cancelled, enterButton, entryMessage, leaderboard, results } from "../../../commands/challenge-text.ts";
import { challengeLimits } from "../../../commands/challenge-limits.ts";
import type { ClipInfo, ClipPost, JobProducer, Platform } from "../../../commands/context.ts";
import { UserError } from "../../../commands/errors.ts";
import { renderProgress } from "../../../commands/progress.ts";
import type { ClipJob } from "../../../engine/queue/schema.ts";
import type { ClipRecord, ClipStore } from "../../../engine/store/types.ts";
import type { OpenRequest, Opened } from "../delivery.ts";
import type { ChallengePort } from "./port.ts";
import { ChallengeQueue, type ChallengeJob } from "./queue.ts";
import { challengeIdFor, ChallengeStore, type StoredChallenge } from "./store.ts";
import type { Redis } from "ioredis";

export interface ChallengeKernelOptions<P> {
  redis: Redis;
  /** The queue prefix (SORA_QUEUE_PREFIX): keys go under `<prefix>:challenges`, the queue beside the clips'. */
  prefix: string;
  port: ChallengePort<P>;
  delivery: { open(r: OpenRequest<P>): Promise<Opened<P>> };
  producer: Pick<JobProducer, "enqueue" | "status">;
  store: Pick<ClipStore, "getClip" | "readBlob">;
  /** PUBLIC_URL: the gallery page's base. */
  publicUrl?: string;
  log: (line: string) => void;
}

const REFUSALS: Record<string, string> = {
  closed: "challenge.errors.closed", elsewhere: "challenge.errors.elsewhere", limit: "challenge.errors.limit",
  already: "challenge.errors.alreadyEntered",
};

export class ChallengeKernel<P> implements ChallengeService {
  readonly state: ChallengeStore;
  readonly queue: ChallengeQueue;
  private readonly port: ChallengePort<P>;
  private readonly platform: Platform;

  constructor(private readonly o: ChallengeKernelOptions<P>) {
    this.state = new ChallengeStore(o.redis, o.prefix);
    this.port = o.port;
    this.platform = o.port.platform;
    this.queue = new ChallengeQueue(o.redis, o.prefix, this.platform);
  }

  /** Take this platform's deadlines and pending entries (call once the adapter can post). */
  run(): void {
    this.queue.run({ end: (id) => this.finish(id), enter: (j) => this.enterWhenDone(j) }, this.o.log);
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  running(place: ChallengePlace): Promise<StoredChallenge | undefined> {
    return this.state.running(place);
  }

  get(id: string): Promise<StoredChallenge | undefined> {
    return this.state.get(id);
  }

  galleryUrl(id: string): string | undefined {
    return this.o.publicUrl ? `${this.o.publicUrl.replace(/\/+$/, "")}/challenges/${id}` : undefined;
  }

  async start(place: ChallengePlace, spec: StartSpec, scheduled = false): Promise<Challenge> {
    this.checkPlace(place);
    const now = Date.now();
    const c: Challenge = {
      ...place, id: challengeIdFor(place.platform, spec.eventId), theme: spec.theme, status: "running", startedAt: now,
      endsAt: now + spec.durationMs, entriesPerUser: spec.entriesPerUser, startedBy: spec.by.userId, locale: spec.locale,
    };
    const r = await this.state.start({ ...c, ...(scheduled ? { scheduled: true } : {}) });
    if (r !== "new" && r !== "same") throw new UserError("challenge.errors.alreadyRunning");
    const stored = (await this.state.get(c.id))!;
    // The deadline first: whatever happens to the post below, the challenge ends.
    await this.queue.scheduleEnd(stored.id, stored.endsAt);
    if (!stored.announcement) {
      const message = await this.port.post(place, { text: announcement(stored, this.port, this.galleryUrl(stored.id)), buttons: [] });
      await this.state.setField(stored.id, "announcement", message);
    }
    return stored;
  }

  async schedule(place: ChallengePlace, spec: ScheduleSpec): Promise<Challenge> {
    const [first, ...rest] = spec.themes;
    if (first === undefined) throw new UserError("challenge.errors.noThemes");
    if (await this.state.running(place)) throw new UserError("challenge.errors.alreadyRunning");
    await this.state.setSchedule(place, {
      themes: rest, everyMs: spec.everyMs, entriesPerUser: spec.entriesPerUser, by: spec.by.userId, locale: spec.locale,
      ...(spec.by.name ? { byName: spec.by.name } : {}),
    });
    return this.start(place, { ...spec, theme: first, durationMs: spec.everyMs }, true);
  }

  async enterClip(c: Challenge, clip: ClipInfo, author: Author, reservation?: string): Promise<Entry> {
    if (clip.origin.platform !== c.platform || clip.origin.userId !== author.userId) throw new UserError("challenge.errors.notYours");
    const outcome = await this.state.enter(c, {
      clipId: clip.id, userId: author.userId, prompt: clip.prompt, ...(author.name ? { userName: author.name } : {}),
      ...(reservation ? { reservation } : {}),
    });
    if (outcome !== "new" && outcome !== "already") throw new UserError(REFUSALS[outcome]!);
    const entry = (await this.state.entry(c.id, clip.id))!;
    if (outcome === "already" && entry.message) throw new UserError(REFUSALS.already!);
    await this.postEntry(c, entry);
    return entry;
  }

  async reserve(c: Challenge, author: Author, eventId: string): Promise<void> {
    const r = await this.state.reserve(c, author.userId, slotFor(eventId));
    if (r !== "ok") throw new UserError(REFUSALS[r]!);
  }

  async enterJob(c: Challenge, jobId: string, author: Author, eventId: string): Promise<void> {
    await this.queue.scheduleEnter({
      type: "enter", challengeId: c.id, jobId, userId: author.userId, slot: slotFor(eventId), ...(author.name ? { userName: author.name } : {}),
    });
  }

  async release(c: Challenge, author: Author, eventId: string): Promise<void> {
    await this.state.release(c, author.userId, slotFor(eventId));
  }

  async leaderboardText(c: Challenge, locale: string): Promise<string> {
    return leaderboard(c, await this.standings(c.id), locale, this.port, this.galleryUrl(c.id));
  }

  async standings(challengeId: string): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const e of await this.state.entries(challengeId)) {
      if (e.removed) continue;
      // A deleted clip takes its entry with it.
      if (!(await this.o.store.getClip(e.clipId))) {
        await this.state.removeEntry(challengeId, e.clipId);
        continue;
      }
      out.push(e);
    }
    return out.sort((a, b) => b.votes - a.votes || a.at - b.at);
  }

  async end(c: Challenge): Promise<void> {
    await this.state.close(c.id);
    await this.queue.endNow(c.id);
  }

  async cancel(c: Challenge): Promise<void> {
    await this.state.clearSchedule(c);
    if ((await this.state.stop(c, "cancelled")) !== "changed") return;
    await this.queue.dropEnd(c.id);
    await this.port.post(c, { text: cancelled(c, this.port), buttons: [] });
  }

  async vote(clipId: string, voter: { platform: Platform; userId: string }, eventId: string): Promise<{ challenge?: Challenge; result: VoteResult; votes: number }> {
    const found = await this.entryOf(clipId);
    // Identity is platform + user: a person of another platform cannot vote here.
    if (!found || found.removed || voter.platform !== found.challenge.platform) return { result: "gone", votes: 0 };
    const { challenge } = found;
    // Deleting an entry's clip removes the entry: its votes go, and its message says so.
    if (!(await this.o.store.getClip(clipId))) {
      await this.removeEntry(clipId);
      return { challenge, result: "gone", votes: 0 };
    }
    const r = await this.state.vote(challenge, clipId, voter.userId, eventId, challengeLimits().votesPerMinute);
    if (r.result === "added" || r.result === "removed") await this.refreshEntry(challenge, clipId);
    return { challenge, ...r };
  }

  async entryOf(clipId: string): Promise<{ challenge: StoredChallenge; entry: Entry; removed: boolean } | undefined> {
    const id = await this.state.challengeOfClip(clipId);
    const challenge = id ? await this.state.get(id) : undefined;
    const entry = challenge ? await this.state.entry(challenge.id, clipId) : undefined;
    return challenge && entry ? { challenge, entry, removed: entry.removed } : undefined;
  }

  async removeEntry(clipId: string): Promise<Challenge | undefined> {
    const found = await this.entryOf(clipId);
    if (!found || found.removed) return undefined;
    await this.state.removeEntry(found.challenge.id, clipId);
    await this.refreshEntry(found.challenge, clipId);
    return found.challenge;
  }

  /**
   * A finished clip's post, with "Submit to challenge" when a challenge runs in the channel it was made in and the
   * clip is not entered yet (the button refuses anyone but the clip's maker).
   */
  async decorate(clip: ClipRecord, post: ClipPost): Promise<ClipPost> {
    const o = clip.origin;
    const channelId = o.place?.channelId;
    if (o.platform !== this.platform || !o.serverId || !channelId) return post;
    const c = await this.state.running({ platform: this.platform, serverId: o.serverId, channelId });
    if (!c || (await this.state.challengeOfClip(clip.id))) return post;
    // A /challenge submit clip is entered by itself in a moment: no button to enter it a second way.
    const jobId = (clip.params as { jobId?: unknown }).jobId;
    if (typeof jobId === "string" && (await this.queue.pendingEnter(c.id, jobId))) return post;
    return { ...post, buttons: [...post.buttons, enterButton(clip.id, o.locale)] };
  }

  /** The deadline job: close, post the results and the reel once, start the schedule's next theme. */
  async finish(id: string): Promise<void> {
    const c = await this.state.get(id);
    if (!c || c.status === "cancelled") return;
    if (c.status === "running") {
      // Moved later since this job was set (never done today, but a stale job must not end a challenge early).
      if (c.endsAt > Date.now() + 1000) return this.queue.scheduleEnd(id, c.endsAt);
      await this.state.stop(c, "ended");
    }
    const ended = (await this.state.get(id))!;
    const top = await this.standings(id);
    if (!ended.results) {
      const message = await this.port.post(ended, { text: results(ended, top, this.port, this.galleryUrl(id)), buttons: [] });
      await this.state.setField(id, "results", message);
    }
    if (top.length >= 2) await this.reel(ended, top.slice(0, 3));
    if (ended.scheduled) await this.nextTheme(ended);
  }

  private async reel(c: StoredChallenge, top: Entry[]): Promise<void> {
    const parts = top.map((e) => e.clipId);
    const job: ClipJob = {
      kind: "stitch", eventId: `challenge-${c.id}-reel`, prompt: "", parentClipId: parts[parts.length - 1]!, parts,
      origin: { platform: c.platform, userId: c.startedBy, serverId: c.serverId, locale: c.locale, place: { channelId: c.channelId } },
    };
    // The event id makes a retried end find the reel already queued: it is followed by whoever queued it.
    const r = await this.o.producer.enqueue(job);
    if (r.duplicate) return;
    const snapshot = { state: "queued" as const, position: r.position ?? 0, ...(r.etaSeconds !== undefined ? { etaSeconds: r.etaSeconds } : {}) };
    await this.o.delivery.open({
      jobId: r.jobId, locale: c.locale, serverId: c.serverId, at: this.port.reelPlace(c),
      first: { jobId: r.jobId, snapshot, text: renderProgress(snapshot, c.locale) },
    });
  }

  private async nextTheme(c: StoredChallenge): Promise<void> {
    const next = await this.state.nextTheme(c);
    if (!next) return;
    await this.start(c, {
      theme: next.theme, durationMs: next.everyMs, entriesPerUser: next.entriesPerUser, locale: next.locale,
      by: { userId: next.by, ...(next.byName ? { name: next.byName } : {}) }, eventId: `${c.id}-next`,
    }, true).catch((err) => {
      // The channel got a challenge of its own meanwhile: the schedule waits for nobody.
      if (err instanceof UserError) this.o.log(`challenges: next theme of ${c.id} not started: ${err.key}`);
      else throw err;
    });
  }

  private async enterWhenDone(j: Extract<ChallengeJob, { type: "enter" }>): Promise<"done" | "wait"> {
    const c = await this.state.get(j.challengeId);
    if (!c) return "done";
    const s = await this.o.producer.status(j.jobId);
    if (s.state === "waiting" || s.state === "running") return "wait";
    const clip = s.state === "completed" && s.clipId ? await this.o.store.getClip(s.clipId) : undefined;
    if (!clip) {
      await this.state.release(c, j.userId, j.slot);
      return "done";
    }
    await this.enterClip(c, clip, { userId: j.userId, ...(j.userName ? { name: j.userName } : {}) }, j.slot).catch((err) => {
      // Made after the deadline, or entered meanwhile: nothing to post.
      if (err instanceof UserError) this.o.log(`challenges: clip ${clip.id} not entered in ${c.id}: ${err.key}`);
      else throw err;
    });
    return "done";
  }

  private async postEntry(c: Challenge, e: Entry): Promise<void> {
    const clip = await this.o.store.getClip(e.clipId);
    if (!clip) return;
    const video = this.port.uploads ? await this.o.store.readBlob(clip.files.video) : undefined;
    const message = await this.port.postEntry(c, entryMessage(c, e, this.port), clip, video);
    await this.state.setEntryMessage(c.id, e.clipId, message);
  }

  /** The entry's message with its count now (or marked removed). */
  private async refreshEntry(c: Challenge, clipId: string): Promise<void> {
    const e = await this.state.entry(c.id, clipId);
    if (!e?.message) return;
    await this.port.edit(c, e.message, entryMessage(c, e, this.port, e.removed))
      .catch((err) => this.o.log(`challenges: could not update entry ${clipId}: ${(err as Error)?.message ?? err}`));
  }

  private checkPlace(place: ChallengePlace): void {
    if (place.platform !== this.platform) throw new Error(`a ${this.platform} challenge kernel cannot run a ${place.platform} challenge`);
  }
}

/** A reserved slot's name in the author's set: never a clip id (those start with "clip_"). */
function slotFor(eventId: string): string {
  return `job:${eventId}`;
}
