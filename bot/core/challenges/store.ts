// Prompt challenges' state in Redis (keys.ts): challenges, entries, votes and schedules, every step atomic
// (scripts.ts) and idempotent. Nothing here posts or schedules: service.ts does, through a platform's port and the
// challenge queue.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Challenge, ChallengePlace, ChallengeStatus, Entry, VoteResult } from "../../../commands/challenge-service.ts";
import type { Platform } from "../../../commands/context.ts";
import { challengeKeys, type ChallengeKeys } from "./keys.ts";
import { CLAIM_POST, CLOSE, DISCARD, ENTER, POP_THEME, POSTED, RESERVE, START, STOP, VOTE } from "./scripts.ts";

/** A challenge as stored, with the bookkeeping of its posts. */
export interface StoredChallenge extends Challenge {
  /** The announcement's message id, once posted. */
  announcement?: string;
  /** The results' message id, once posted: the end is never posted twice. */
  results?: string;
  /** Part of a schedule: the next theme starts when this one ends. */
  scheduled?: boolean;
}

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
  | { kind: "challenge"; id: string; field: "announcement" | "results" | "cancelNotice" }
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
    ...(h.scheduled === "1" ? { scheduled: true } : {}),
  };
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

  /** "new" | "same" (a retry of this start) | the id of another challenge running there. */
  async start(c: Challenge & { scheduled?: boolean }): Promise<string> {
    const k = this.keys;
    const fields: Record<string, string> = {
      platform: c.platform, serverId: c.serverId, channelId: c.channelId, theme: c.theme, status: "running",
      startedAt: String(c.startedAt), endsAt: String(c.endsAt), entriesPerUser: String(c.entriesPerUser),
      startedBy: c.startedBy, locale: c.locale, ...(c.scheduled ? { scheduled: "1" } : {}),
    };
    return (await this.redis.eval(START, 3, k.running(c.platform, c.serverId, c.channelId), k.challenge(c.id), k.all,
      c.id, String(c.startedAt), ...Object.entries(fields).flat())) as string;
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

  async setSchedule(place: ChallengePlace, s: ScheduleState): Promise<void> {
    await this.redis.set(this.keys.schedule(place.platform, place.serverId, place.channelId), JSON.stringify(s));
  }

  async schedule(place: ChallengePlace): Promise<ScheduleState | undefined> {
    const raw = await this.redis.get(this.keys.schedule(place.platform, place.serverId, place.channelId));
    return raw ? (JSON.parse(raw) as ScheduleState) : undefined;
  }

  /** The next theme of the channel's schedule, taken off it (atomically: two enders never start the same one). */
  async nextTheme(place: ChallengePlace): Promise<(ScheduleState & { theme: string }) | undefined> {
    const raw = (await this.redis.eval(POP_THEME, 1, this.keys.schedule(place.platform, place.serverId, place.channelId))) as string | null;
    if (!raw) return undefined;
    const s = JSON.parse(raw) as ScheduleState;
    return s.themes[0] === undefined ? undefined : { ...s, theme: s.themes[0] };
  }

  async clearSchedule(place: ChallengePlace): Promise<void> {
    await this.redis.del(this.keys.schedule(place.platform, place.serverId, place.channelId));
  }
}
