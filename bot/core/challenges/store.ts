// Prompt challenges' state in Redis (keys.ts): challenges, entries, votes and schedules, every step atomic
// (scripts.ts) and idempotent. Nothing here posts or schedules: service.ts does, through a platform's port and the
// challenge queue.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Challenge, ChallengePlace, ChallengeStatus, Entry, VoteResult } from "../../../commands/challenge-service.ts";
import type { Platform } from "../../../commands/context.ts";
import { challengeKeys, type ChallengeKeys } from "./keys.ts";
import { CLAIM_POST, CLOSE, DISCARD, ENTER, POSTED, RESERVE, START, START_NEXT, STOP, VOTE } from "./scripts.ts";

/** A challenge as stored, with the bookkeeping of its posts. */
export interface StoredChallenge extends Challenge {
  /** The announcement's message id, once posted. */
  announcement?: string;
  /** The results' message id, once posted: the end is never posted twice. */
  results?: string;
  /** Part of a schedule: the next theme starts when this one ends. */
  scheduled?: boolean;
  /** The highlight reel's clip job, once its delivery is open (set with the delivery's record: REEL_FIELD). */
  reel?: string;
}

/** The challenge's hash field that says its reel's delivery is open (the DeliveryBook sets it with the record). */
export const REEL_FIELD = "reel";

/** What starting a schedule's next theme came to (ChallengeStore.startNext). */
export type NextStart =
  /** Taken off the schedule and recorded, now. */
  | "new"
  /** Recorded by an earlier attempt. */
  | "same"
  /** No schedule, or no theme left on it. */
  | "none"
  /** Another challenge runs in the channel: nothing taken. */
  | "busy";

export interface StoredEntry extends Entry {
  /** The entry's message (with the vote button), once posted. */
  message?: string;
  removed: boolean;
}

export interface ScheduleState {
  themes: string[];
  everyMs: number;
  entriesPerUser: number;
  by: string;
  byName?: string;
  locale: string;
}

export type EnterOutcome = "new" | "already" | "closed" | "elsewhere" | "limit";

/** The posts a challenge makes once each: the field of its hash (or, for an entry, of the entry's) that names it. */
export type PostSlot =
  | { kind: "challenge"; id: string; field: "announcement" | "results" | "cancelNotice" | "reelNotice" }
  | { kind: "entry"; id: string; clipId: string };

/** What claiming a post came to (scripts.ts CLAIM_POST). */
export type PostClaim =
  | { status: "posted"; message: string }
  | { status: "gone" }
  /** Another attempt is posting it now (its lease runs until `until`). */
  | { status: "busy"; until: number }
  /** Ours to post; `earlier`: when an earlier attempt began, which may have posted without recording it. */
  | { status: "claimed"; earlier?: number };

/** Short, opaque and stable for one event: a retried start finds the challenge it made. */
export function challengeIdFor(platform: Platform, eventId: string): string {
  return BigInt(`0x${createHash("sha256").update(`${platform}\n${eventId}`).digest("hex").slice(0, 15)}`).toString(36);
}

const STATUSES: readonly ChallengeStatus[] = ["running", "ended", "cancelled"];

function parseChallenge(id: string, h: Record<string, string>): StoredChallenge | undefined {
  if (!h.platform || !STATUSES.includes(h.status as ChallengeStatus)) return undefined;
  return {
    id, platform: h.platform as Platform, serverId: h.serverId!, channelId: h.channelId!, theme: h.theme ?? "",
    status: h.status as ChallengeStatus, startedAt: Number(h.startedAt), endsAt: Number(h.endsAt),
    entriesPerUser: Number(h.entriesPerUser), startedBy: h.startedBy ?? "", locale: h.locale ?? "en",
    ...(h.announcement ? { announcement: h.announcement } : {}), ...(h.results ? { results: h.results } : {}),
    ...(h.scheduled === "1" ? { scheduled: true } : {}), ...(h[REEL_FIELD] ? { reel: h[REEL_FIELD] } : {}),
  };
}

/** A new challenge's hash, as field/value pairs. */
function fieldsOf(c: Challenge & { scheduled?: boolean }): string[] {
  return Object.entries({
    platform: c.platform, serverId: c.serverId, channelId: c.channelId, theme: c.theme, status: "running",
    startedAt: String(c.startedAt), endsAt: String(c.endsAt), entriesPerUser: String(c.entriesPerUser),
    startedBy: c.startedBy, locale: c.locale, ...(c.scheduled ? { scheduled: "1" } : {}),
  }).flat();
}

export class ChallengeStore {
  readonly keys: ChallengeKeys;

  constructor(private readonly redis: Redis, prefix: string) {
    this.keys = challengeKeys(prefix);
  }

  async get(id: string): Promise<StoredChallenge | undefined> {
    if (!/^[a-z0-9]{1,20}$/.test(id)) return undefined;
    return parseChallenge(id, await this.redis.hgetall(this.keys.challenge(id)));
  }

  async running(place: ChallengePlace): Promise<StoredChallenge | undefined> {
    const id = await this.redis.get(this.keys.running(place.platform, place.serverId, place.channelId));
    return id ? this.get(id) : undefined;
  }

  /**
   * "new" | "same" (a retry of this start) | the id of another challenge running there. `schedule`: the themes to run
   * after this one, recorded in the same step (a schedule's first theme).
   */
  async start(c: Challenge & { scheduled?: boolean }, schedule?: ScheduleState): Promise<string> {
    const k = this.keys;
    return (await this.redis.eval(START, 4, k.running(c.platform, c.serverId, c.channelId), k.challenge(c.id), k.all,
      k.schedule(c.platform, c.serverId, c.channelId), c.id, String(c.startedAt), schedule ? JSON.stringify(schedule) : "", ...fieldsOf(c))) as string;
  }

  /**
   * Start the next theme of the channel's schedule as challenge `id` (derived from the ending challenge's id, so a
   * retried end names the same one): the theme is taken off the schedule in the same step that records the challenge
   * (START_NEXT), so a stop before or after it loses no theme, and a retry takes no second one.
   */
  async startNext(place: ChallengePlace, id: string, now = Date.now()): Promise<NextStart> {
    const k = this.keys;
    const key = k.schedule(place.platform, place.serverId, place.channelId);
    // The schedule changed between reading and taking (a /challenge schedule or cancel meanwhile): read it again.
    for (let tries = 0; tries < 10; tries++) {
      const raw = await this.redis.get(key);
      if (raw === null) return (await this.redis.exists(k.challenge(id))) ? "same" : "none";
      const s = JSON.parse(raw) as ScheduleState;
      const [theme, ...rest] = s.themes;
      if (theme === undefined) return (await this.redis.exists(k.challenge(id))) ? "same" : "none";
      const c: Challenge & { scheduled: true } = {
        id, platform: place.platform, serverId: place.serverId, channelId: place.channelId, theme, status: "running",
        startedAt: now, endsAt: now + s.everyMs, entriesPerUser: s.entriesPerUser, startedBy: s.by, locale: s.locale, scheduled: true,
      };
      const after = rest.length ? JSON.stringify({ ...s, themes: rest }) : "";
      const r = (await this.redis.eval(START_NEXT, 4, key, k.running(place.platform, place.serverId, place.channelId), k.challenge(id), k.all,
        raw, after, id, String(now), ...fieldsOf(c))) as string;
      if (r === "new" || r === "same") return r;
      if (r !== "moved") return "busy";
    }
    throw new Error(`the schedule of channel ${place.channelId} kept changing while its next theme was taken`);
  }

  private slotKey(slot: PostSlot): { key: string; field: string } {
    return slot.kind === "entry"
      ? { key: this.keys.entry(slot.id, slot.clipId), field: "message" }
      : { key: this.keys.challenge(slot.id), field: slot.field };
  }

  /**
   * Claim a post before sending it: the intent is recorded first, so an attempt that stops between the platform's
   * answer and recording the message leaves a trace the next attempt looks for before posting again.
   */
  async claimPost(slot: PostSlot, leaseMs: number, now = Date.now()): Promise<PostClaim> {
    const { key, field } = this.slotKey(slot);
    const [status, value] = (await this.redis.eval(CLAIM_POST, 1, key, field, `${field}Claim`, `${field}Lease`, String(now), String(leaseMs))) as [string, string];
    if (status === "posted") return { status, message: value };
    if (status === "busy") return { status, until: Number(value) };
    if (status === "claimed") return value ? { status, earlier: Number(value) } : { status };
    return { status: "gone" };
  }

  /** The claimed post went out as `message`. */
  async posted(slot: PostSlot, message: string): Promise<void> {
    const { key, field } = this.slotKey(slot);
    await this.redis.eval(POSTED, 1, key, field, `${field}Lease`, message);
  }

  /** The attempt failed (the platform said no): the next one may go at once (after looking for this one's post). */
  async unclaim(slot: PostSlot): Promise<void> {
    const { key, field } = this.slotKey(slot);
    await this.redis.hdel(key, `${field}Lease`);
  }

  /** A challenge that never got going: gone from the channel, the gallery's index and Redis. */
  async discard(c: Challenge): Promise<void> {
    const k = this.keys;
    await this.redis.eval(DISCARD, 4, k.challenge(c.id), k.running(c.platform, c.serverId, c.channelId), k.all,
      k.schedule(c.platform, c.serverId, c.channelId), c.id);
  }

  /** running → ended or cancelled; the channel is free again. "changed", or the status it already had. */
  async stop(c: Challenge, to: "ended" | "cancelled", now = Date.now()): Promise<string> {
    return (await this.redis.eval(STOP, 2, this.keys.challenge(c.id), this.keys.running(c.platform, c.serverId, c.channelId),
      c.id, to, String(now))) as string;
  }

  /** Voting closes now (the deadline moves up); false when it was not running. */
  async close(id: string, now = Date.now()): Promise<boolean> {
    return (await this.redis.eval(CLOSE, 1, this.keys.challenge(id), String(now))) === 1;
  }

  async enter(c: Challenge, e: { clipId: string; userId: string; userName?: string; prompt: string; reservation?: string }, now = Date.now()): Promise<EnterOutcome> {
    const k = this.keys;
    return (await this.redis.eval(ENTER, 5, k.challenge(c.id), k.entry(c.id, e.clipId), k.entries(c.id), k.mine(c.id, e.userId), k.clip(e.clipId),
      c.id, e.clipId, e.userId, e.userName ?? "", e.prompt, String(now), e.reservation ?? "")) as EnterOutcome;
  }

  /** "ok" | "closed" | "limit". */
  async reserve(c: Challenge, userId: string, slot: string, now = Date.now()): Promise<"ok" | "closed" | "limit"> {
    return (await this.redis.eval(RESERVE, 2, this.keys.challenge(c.id), this.keys.mine(c.id, userId), slot, String(now))) as "ok" | "closed" | "limit";
  }

  /** A slot whose clip never came (the job failed or was cancelled) is free again. */
  async release(c: Challenge, userId: string, slot: string): Promise<void> {
    await this.redis.srem(this.keys.mine(c.id, userId), slot);
  }

  async entry(id: string, clipId: string): Promise<StoredEntry | undefined> {
    const [h, votes] = await Promise.all([this.redis.hgetall(this.keys.entry(id, clipId)), this.redis.scard(this.keys.votes(id, clipId))]);
    if (!h.userId) return undefined;
    return {
      clipId, userId: h.userId, prompt: h.prompt ?? "", at: Number(h.at), votes: h.removed === "1" ? 0 : votes,
      removed: h.removed === "1", ...(h.userName ? { userName: h.userName } : {}), ...(h.message ? { message: h.message } : {}),
    };
  }

  /** Every entry, removed ones too, in the order they were entered. */
  async entries(id: string): Promise<StoredEntry[]> {
    const ids = await this.redis.zrange(this.keys.entries(id), "0", "-1");
    const out: StoredEntry[] = [];
    for (const clipId of ids) {
      const e = await this.entry(id, clipId);
      if (e) out.push(e);
    }
    return out;
  }

  async challengeOfClip(clipId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.clip(clipId))) ?? undefined;
  }

  /** The entry loses its votes and drops out of the standings; its message stays findable (to mark it removed). */
  async removeEntry(id: string, clipId: string): Promise<void> {
    await this.redis.multi().hset(this.keys.entry(id, clipId), "removed", "1").del(this.keys.votes(id, clipId)).exec();
  }

  async vote(c: Challenge, clipId: string, voter: string, eventId: string, perMinute: number, now = Date.now()): Promise<{ result: VoteResult; votes: number }> {
    const k = this.keys;
    const [result, votes] = (await this.redis.eval(VOTE, 5, k.challenge(c.id), k.entry(c.id, clipId), k.votes(c.id, clipId),
      k.voteEvent(c.platform, eventId), k.voteRate(c.platform, voter, Math.floor(now / 60_000)), voter, String(now), String(perMinute))) as [VoteResult, number];
    return { result, votes: Number(votes) };
  }

  async schedule(place: ChallengePlace): Promise<ScheduleState | undefined> {
    const raw = await this.redis.get(this.keys.schedule(place.platform, place.serverId, place.channelId));
    return raw ? (JSON.parse(raw) as ScheduleState) : undefined;
  }

  /** The reel is meant to be posted: recorded before its job is queued, so the bot's start-up finishes it (reelsLeft). */
  async intendReel(c: Challenge, now = Date.now()): Promise<void> {
    await this.redis.zadd(this.keys.reels(c.platform), "NX", now, c.id);
  }

  /** The reel's delivery is open (or there is none to open): nothing left for the start-up to do. */
  async reelDone(c: Pick<Challenge, "id" | "platform">): Promise<void> {
    await this.redis.zrem(this.keys.reels(c.platform), c.id);
  }

  /** The challenges whose reel was meant but not opened, oldest first; those older than `maxAgeMs` are forgotten. */
  async reelsLeft(platform: Platform, maxAgeMs: number, now = Date.now()): Promise<string[]> {
    const key = this.keys.reels(platform);
    await this.redis.zremrangebyscore(key, "-inf", String(now - maxAgeMs));
    return this.redis.zrange(key, "0", "-1");
  }

  async clearSchedule(place: ChallengePlace): Promise<void> {
    await this.redis.del(this.keys.schedule(place.platform, place.serverId, place.channelId));
  }
}
