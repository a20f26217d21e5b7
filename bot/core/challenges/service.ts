// Prompt challenges, written once for every platform: the ChallengeService commands use (commands/challenge.ts),
// over the Redis state (store.ts), the challenge queue (queue.ts: deadlines and entries that outlive any process),
// the platform's ChallengePort (its own posts) and its Delivery (the highlight reel, a normal stitch job).
//
// Idempotent steps: a start, an entry and the results are recorded in Redis before they are posted, and so is each
// post's intent (a claim, with a short lease while an attempt is under way): a post whose record says it went out is
// skipped; one whose claim says an earlier attempt may have sent it without recording it (the process stopped in
// between, or the platform's answer was lost) is first looked for among the bot's recent messages in the channel
// (the port's find; Discord also deduplicates by the post's nonce) and recorded, or edited, instead of posted again.
// The results are posted only by the deadline job, so a manager's /challenge end racing the deadline, or a restart,
// posts them once. The highlight reel is meant (recorded) before its stitch job is queued, under an event id of the
// challenge's own (so the same job on every attempt), and its delivery is opened once for good (Delivery.openOnce
// sets the challenge's reel field with the delivery's record, in one step): a retried deadline job, or the bot's
// start-up (reelsLeft), opens it where an attempt stopped before, and never a second time. A schedule's next theme is
// taken off the schedule in the same step that records its challenge (store.startNext), under an id derived from the
// ending challenge's: a stop before that step loses no theme, a retry after it takes no second one.
import type { Challenge, ChallengePlace, ChallengeService, Entry, ScheduleSpec, StartSpec, VoteResult, Author } from "../../../commands/challenge-service.ts";
import { announcement, cancelled, enterButton, entryMessage, leaderboard, reelRefused, results } from "../../../commands/challenge-text.ts";
import { challengeLimits } from "../../../commands/challenge-limits.ts";
import type { ClipInfo, ClipPost, JobProducer, Platform } from "../../../commands/context.ts";
import { UserError } from "../../../commands/errors.ts";
import { renderProgress } from "../../../commands/progress.ts";
import { JobValidationError } from "../../../engine/queue/errors.ts";
import type { ClipJob } from "../../../engine/queue/schema.ts";
import type { ClipRecord, ClipStore } from "../../../engine/store/types.ts";
import type { OpenRequest, Opened } from "../delivery.ts";
import type { OpenedMark } from "../deliveries.ts";
import type { ChallengeMessage } from "../../../commands/challenge-text.ts";
import { CannotPost, type ChallengePort } from "./port.ts";
import { ChallengeQueue, type ChallengeJob } from "./queue.ts";
import { challengeIdFor, ChallengeStore, REEL_FIELD, type PostSlot, type ScheduleState, type StoredChallenge } from "./store.ts";
import type { Redis } from "ioredis";

export interface ChallengeKernelOptions<P> {
  redis: Redis;
  /** The queue prefix (SORA_QUEUE_PREFIX): keys go under `<prefix>:challenges`, the queue beside the clips'. */
  prefix: string;
  port: ChallengePort<P>;
  /** The platform's Delivery (delivery.ts): the reel's delivery is opened once for good (openOnce). */
  delivery: { openOnce(r: OpenRequest<P> & { at: P }, mark: OpenedMark): Promise<Opened<P> | undefined> };
  producer: Pick<JobProducer, "enqueue" | "status">;
  store: Pick<ClipStore, "getClip" | "readBlob">;
  /** PUBLIC_URL: the gallery page's base. */
  publicUrl?: string;
  log: (line: string) => void;
  /** How long one attempt at a post holds it; default POST_LEASE_MS (tests shorten it). */
  postLeaseMs?: number;
}

/** How long one attempt at a post holds it: another attempt meanwhile leaves it to that one (or retries later). */
export const POST_LEASE_MS = 20_000;
/** How long a reel meant but not opened is still finished at start-up (the delivery book keeps deliveries as long). */
const REEL_INTENT_MS = 2 * 24 * 3600_000;
/** An earlier attempt's post is looked for from a little before it began (the platform's clock is not ours). */
const FIND_MARGIN_MS = 5_000;

/** Another attempt is sending this post right now: a job tries again later (BullMQ's retry); an interaction leaves it. */
export class PostInProgress extends Error {
  constructor(what: string) {
    super(`${what} is being posted by another attempt`);
    this.name = "PostInProgress";
  }
}

function slotName(slot: PostSlot): string {
  return slot.kind === "entry" ? `challenge ${slot.id} entry ${slot.clipId}` : `challenge ${slot.id} ${slot.field}`;
}

/** The post's name for good: the same on every attempt (Discord sends it as the nonce). */
function postKey(slot: PostSlot): string {
  return slot.kind === "entry" ? `challenge:${slot.id}:entry:${slot.clipId}` : `challenge:${slot.id}:${slot.field}`;
}

const REFUSALS: Record<string, string> = {
  closed: "challenge.errors.closed", elsewhere: "challenge.errors.elsewhere", limit: "challenge.errors.limit",
  already: "challenge.errors.alreadyEntered",
};

export class ChallengeKernel<P> implements ChallengeService {
  readonly state: ChallengeStore;
  readonly queue: ChallengeQueue;
  /** The start-up's look for reels left undone (run(): reelsLeft), for tests to await. */
  reeling: Promise<void> = Promise.resolve();
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
    this.reeling = this.reelsLeft().catch((err) => this.o.log(`challenges: finishing the reels left undone failed: ${(err as Error)?.message ?? err}`));
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

  start(place: ChallengePlace, spec: StartSpec): Promise<Challenge> {
    return this.open(place, spec, { whenBusy: "leave" });
  }

  /**
   * Record the challenge, set its deadline, announce it. `whenBusy`: while another attempt posts the announcement,
   * leave it to that one (a retried interaction) or throw PostInProgress (a job: BullMQ retries it). `schedule`: the
   * themes to run after this one, recorded with it in one step.
   */
  private async open(place: ChallengePlace, spec: StartSpec, o: { whenBusy: "leave" | "retry"; schedule?: ScheduleState }): Promise<Challenge> {
    this.checkPlace(place);
    await this.requirePostable(place);
    const now = Date.now();
    const c: Challenge = {
      ...place, id: challengeIdFor(place.platform, spec.eventId), theme: spec.theme, status: "running", startedAt: now,
      endsAt: now + spec.durationMs, entriesPerUser: spec.entriesPerUser, startedBy: spec.by.userId, locale: spec.locale,
    };
    const r = await this.state.start({ ...c, ...(o.schedule ? { scheduled: true } : {}) }, o.schedule?.themes.length ? o.schedule : undefined);
    if (r !== "new" && r !== "same") throw new UserError("challenge.errors.alreadyRunning");
    const stored = (await this.state.get(c.id))!;
    // The deadline first: whatever happens to the post below, the challenge ends.
    await this.queue.scheduleEnd(stored.id, stored.endsAt);
    await this.announce(stored, o.whenBusy);
    return stored;
  }

  /** Refused before anything is recorded where the platform says the bot cannot post. */
  private async requirePostable(place: ChallengePlace): Promise<void> {
    if (this.port.canPost && !(await this.port.canPost(place))) throw new UserError("challenge.errors.cannotPost");
  }

  /** The announcement, once; a challenge whose channel turns out to refuse posts is undone and refused. */
  private async announce(c: StoredChallenge, whenBusy: "leave" | "retry"): Promise<void> {
    const m: ChallengeMessage = { text: announcement(c, this.port, this.galleryUrl(c.id)), buttons: [] };
    try {
      await this.postOnce({ kind: "challenge", id: c.id, field: "announcement" }, c, m, (key) => this.port.post(c, m, key));
    } catch (err) {
      // A retried start while the first attempt is posting it: that one finishes the job.
      if (err instanceof PostInProgress && whenBusy === "leave") return;
      if (!(err instanceof CannotPost)) throw err;
      this.o.log(`challenges: ${c.id} not started: ${err.message}`);
      await this.queue.dropEnd(c.id);
      await this.state.discard(c);
      throw new UserError("challenge.errors.cannotPost");
    }
  }

  /**
   * Post once (see the header): the claim first; then, after an earlier attempt that may have posted, the port looks
   * for that post; only then is it sent. Returns the message (and whether it was an earlier attempt's), or undefined
   * when the challenge or entry is gone. Throws PostInProgress while another attempt holds the post.
   */
  private async postOnce(slot: PostSlot, place: ChallengePlace, m: ChallengeMessage, send: (key: string) => Promise<string>): Promise<{ message: string; earlier: boolean } | undefined> {
    const claim = await this.state.claimPost(slot, this.o.postLeaseMs ?? POST_LEASE_MS);
    if (claim.status === "posted") return { message: claim.message, earlier: true };
    if (claim.status === "gone") return undefined;
    if (claim.status === "busy") throw new PostInProgress(slotName(slot));
    if (claim.earlier !== undefined && this.port.find) {
      const found = await this.port.find(place, m, claim.earlier - FIND_MARGIN_MS).catch((err) => {
        this.o.log(`challenges: could not look for an earlier post of ${slotName(slot)}: ${(err as Error)?.message ?? err}`);
        return undefined;
      });
      if (found) {
        this.o.log(`challenges: ${slotName(slot)} was posted by an earlier attempt (${found}); recorded, not posted again`);
        await this.state.posted(slot, found);
        return { message: found, earlier: true };
      }
    }
    let message: string;
    try {
      message = await send(postKey(slot));
    } catch (err) {
      await this.state.unclaim(slot).catch(() => undefined);
      throw err;
    }
    await this.state.posted(slot, message);
    return { message, earlier: false };
  }

  async schedule(place: ChallengePlace, spec: ScheduleSpec): Promise<Challenge> {
    const [first, ...rest] = spec.themes;
    if (first === undefined) throw new UserError("challenge.errors.noThemes");
    this.checkPlace(place);
    // A retried interaction finds the challenge it started: that is not another one running.
    const running = await this.state.running(place);
    if (running && running.id !== challengeIdFor(place.platform, spec.eventId)) throw new UserError("challenge.errors.alreadyRunning");
    // The rest of the schedule is recorded with the first theme's challenge (one step: neither goes without the other).
    return this.open(place, { ...spec, theme: first, durationMs: spec.everyMs }, {
      whenBusy: "leave",
      schedule: {
        themes: rest, everyMs: spec.everyMs, entriesPerUser: spec.entriesPerUser, by: spec.by.userId, locale: spec.locale,
        ...(spec.by.name ? { byName: spec.by.name } : {}),
      },
    });
  }

  /** The "Submit to challenge" button: a press while another press is posting the same entry leaves it to that one. */
  enterClip(c: Challenge, clip: ClipInfo, author: Author): Promise<Entry> {
    return this.enter(c, clip, author, undefined, "leave");
  }

  /** `whenBusy`: what to do while another attempt posts the entry: leave it to that one, or throw (a job retries). */
  private async enter(c: Challenge, clip: ClipInfo, author: Author, reservation: string | undefined, whenBusy: "leave" | "retry"): Promise<Entry> {
    if (clip.origin.platform !== c.platform || clip.origin.userId !== author.userId) throw new UserError("challenge.errors.notYours");
    const outcome = await this.state.enter(c, {
      clipId: clip.id, userId: author.userId, prompt: clip.prompt, ...(author.name ? { userName: author.name } : {}),
      ...(reservation ? { reservation } : {}),
    });
    if (outcome !== "new" && outcome !== "already") throw new UserError(REFUSALS[outcome]!);
    const entry = (await this.state.entry(c.id, clip.id))!;
    if (outcome === "already" && entry.message) throw new UserError(REFUSALS.already!);
    try {
      await this.postEntry(c, entry);
    } catch (err) {
      // The channel stopped taking the bot's posts since the start (its rights were taken away): the entrant is told.
      if (err instanceof CannotPost) throw new UserError("challenge.errors.cannotPost");
      if (!(err instanceof PostInProgress) || whenBusy === "retry") throw err;
    }
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
    const stopped = await this.state.stop(c, "cancelled");
    // Cancelled by this call, or by an attempt that stopped before its notice went out (postOnce: once).
    if (stopped !== "changed" && stopped !== "cancelled") return;
    await this.queue.dropEnd(c.id);
    const m: ChallengeMessage = { text: cancelled(c, this.port), buttons: [] };
    await this.postOnce({ kind: "challenge", id: c.id, field: "cancelNotice" }, c, m, (key) => this.port.post(c, m, key)).catch((err) => {
      if (!(err instanceof PostInProgress)) throw err;
    });
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
      const m: ChallengeMessage = { text: results(ended, top, this.port, this.galleryUrl(id)), buttons: [] };
      // PostInProgress: this job is retried (BullMQ) and finds the post recorded, or looks for it.
      await this.postOnce({ kind: "challenge", id, field: "results" }, ended, m, (key) => this.port.post(ended, m, key)).catch((err) => {
        // The channel refuses posts for good now (deleted, the bot's rights taken away): the reel and the next theme still go.
        if (!(err instanceof CannotPost)) throw err;
        this.o.log(`challenges: the results of ${id} could not be posted: ${err.message}`);
      });
    }
    // A reel the queue refuses for good (an entry's clip expired from the store) is given up; one it refuses for now
    // (Redis away, the starter's rate limit) fails this job after the schedule's next theme has started, so BullMQ's
    // retry makes the reel and the schedule never waits on it.
    const reelFailure = top.length >= 2
      ? await this.reel(ended, top.slice(0, 3)).then(() => undefined, (err: unknown) => (err instanceof Error ? err : new Error(String(err))))
      : undefined;
    if (reelFailure instanceof JobValidationError) {
      this.o.log(`challenges: the reel of ${id} is refused by the queue, not made: ${reelFailure.message}`);
      await this.state.reelDone(ended);
      // The results said a reel follows: the channel hears that none will (once, like every challenge post).
      const m: ChallengeMessage = { text: reelRefused(ended), buttons: [] };
      await this.postOnce({ kind: "challenge", id, field: "reelNotice" }, ended, m, (key) => this.port.post(ended, m, key)).catch((err) => {
        if (!(err instanceof CannotPost) && !(err instanceof PostInProgress)) throw err;
        this.o.log(`challenges: the missing reel of ${id} could not be announced: ${err.message}`);
      });
    }
    if (ended.scheduled) await this.nextTheme(ended);
    if (reelFailure !== undefined && !(reelFailure instanceof JobValidationError)) throw reelFailure;
  }

  /**
   * The highlight reel, a normal stitch job of the top entries, posted once (see the header): meant first, then
   * queued (the challenge's own event id: a retry finds the same job), then its delivery opened once for good.
   */
  private async reel(c: StoredChallenge, top: Entry[]): Promise<void> {
    if (c.reel) return this.state.reelDone(c);
    await this.state.intendReel(c);
    const parts = top.map((e) => e.clipId);
    const job: ClipJob = {
      kind: "stitch", eventId: `challenge-${c.id}-reel`, prompt: "", parentClipId: parts[parts.length - 1]!, parts,
      origin: { platform: c.platform, userId: c.startedBy, serverId: c.serverId, locale: c.locale, place: { channelId: c.channelId } },
    };
    // A duplicate is this reel's job, queued by an earlier attempt: its delivery may never have been opened.
    const r = await this.o.producer.enqueue(job);
    const snapshot = { state: "queued" as const, position: r.position ?? 0, ...(r.etaSeconds !== undefined ? { etaSeconds: r.etaSeconds } : {}) };
    const opened = await this.o.delivery.openOnce({
      jobId: r.jobId, locale: c.locale, serverId: c.serverId, at: this.port.reelPlace(c),
      first: { jobId: r.jobId, snapshot, text: renderProgress(snapshot, c.locale) },
    }, { key: this.state.keys.challenge(c.id), field: REEL_FIELD });
    if (!opened) this.o.log(`challenges: the reel of ${c.id} (job ${r.jobId}) was opened by an earlier attempt; not again`);
    await this.state.reelDone(c);
  }

  /**
   * At start-up: the reels an attempt meant but whose delivery it may not have opened (its process stopped between
   * queueing the job and opening the delivery, and its deadline job may not run again soon, or at all).
   */
  private async reelsLeft(): Promise<void> {
    for (const id of await this.state.reelsLeft(this.platform, REEL_INTENT_MS)) {
      const c = await this.state.get(id);
      if (!c || c.reel || c.status !== "ended") {
        // Gone, opened meanwhile, or (never the case today) not ended: nothing to finish.
        if (!c || c.reel) await this.state.reelDone({ id, platform: this.platform });
        continue;
      }
      const top = await this.standings(id);
      if (top.length < 2) {
        await this.state.reelDone(c);
        continue;
      }
      this.o.log(`challenges: the reel of ${id} was meant but maybe not opened: opening it`);
      await this.reel(c, top.slice(0, 3)).catch((err) => this.o.log(`challenges: the reel of ${id} could not be opened: ${(err as Error)?.message ?? err}`));
    }
  }

  private async nextTheme(c: StoredChallenge): Promise<void> {
    // The next challenge's id comes from this one's: a retried deadline job finds the challenge it started and
    // finishes that one's start; the theme was taken off the schedule in the same step that recorded it.
    const id = challengeIdFor(c.platform, `${c.id}-next`);
    if (!(await this.state.get(id))) {
      if (!(await this.state.schedule(c))) return;
      if (this.port.canPost && !(await this.port.canPost(c))) {
        // As when the announcement is refused (announce): the schedule stops, in one piece.
        this.o.log(`challenges: the schedule after ${c.id} stops: the bot cannot post in its channel`);
        await this.state.clearSchedule(c);
        return;
      }
      const r = await this.state.startNext(c, id);
      // The channel got a challenge of its own meanwhile: the schedule waits for nobody (its themes stay where they are).
      if (r === "busy") this.o.log(`challenges: next theme of ${c.id} not started: challenge.errors.alreadyRunning`);
      if (r === "busy" || r === "none") return;
    }
    const started = await this.state.get(id);
    if (started?.status !== "running") return;
    await this.queue.scheduleEnd(started.id, started.endsAt);
    await this.announce(started, "retry").catch((err) => {
      if (err instanceof UserError) this.o.log(`challenges: next theme of ${c.id} not announced: ${err.key}`);
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
    await this.enter(c, clip, { userId: j.userId, ...(j.userName ? { name: j.userName } : {}) }, j.slot, "retry").catch((err) => {
      // Made after the deadline, or entered meanwhile: nothing to post.
      if (err instanceof UserError) this.o.log(`challenges: clip ${clip.id} not entered in ${c.id}: ${err.key}`);
      else throw err;
    });
    return "done";
  }

  private async postEntry(c: Challenge, e: Entry): Promise<void> {
    const clip = await this.o.store.getClip(e.clipId);
    if (!clip) return;
    const m = entryMessage(c, e, this.port);
    const posted = await this.postOnce({ kind: "entry", id: c.id, clipId: e.clipId }, c, m, async (key) => {
      const video = this.port.uploads ? await this.o.store.readBlob(clip.files.video) : undefined;
      return this.port.postEntry(c, m, clip, video, key);
    });
    // An earlier attempt's post, found: votes may have come in on it since; it shows the count now.
    if (posted?.earlier) await this.refreshEntry(c, e.clipId);
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
