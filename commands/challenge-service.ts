// The neutral face of community prompt challenges, as commands see it. The kernel (bot/core/challenges) implements it
// once, in Redis and a BullMQ queue, for every platform; a command only says what a person asked for and words the
// answer. Identity is platform + user: a challenge belongs to one platform's server and channel, and only that
// platform's people can enter or vote.
import type { ClipInfo, Platform } from "./context.ts";

/** One channel of one server of one platform: where a challenge runs (at most one at a time). */
export interface ChallengePlace {
  platform: Platform;
  serverId: string;
  channelId: string;
}

export type ChallengeStatus = "running" | "ended" | "cancelled";

export interface Challenge extends ChallengePlace {
  /** Short and opaque (letters and digits): a Redis key part, a BullMQ job id part and the gallery's path. */
  id: string;
  theme: string;
  status: ChallengeStatus;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endsAt: number;
  entriesPerUser: number;
  /** Who started it (a user id of the challenge's platform); the highlight reel is theirs. */
  startedBy: string;
  /** The language its channel posts are written in: the starter's. */
  locale: string;
}

export interface Entry {
  clipId: string;
  userId: string;
  userName?: string;
  prompt: string;
  votes: number;
  /** When it was entered (ms): ties go to the earlier entry. */
  at: number;
}

export interface Author {
  userId: string;
  name?: string;
}

/**
 * What a vote press came to. added / removed: counted (press again to take it back). self: one's own entry. closed:
 * past the deadline, ended or cancelled. gone: no such entry (removed, or its clip deleted). rate: too many votes.
 */
export type VoteResult = "added" | "removed" | "self" | "closed" | "gone" | "rate";

export interface StartSpec {
  theme: string;
  durationMs: number;
  entriesPerUser: number;
  by: Author;
  locale: string;
  /** Idempotency: the same event starts the same challenge (a retried interaction finds it, not a refusal). */
  eventId: string;
}

export interface ScheduleSpec extends Omit<StartSpec, "theme" | "durationMs"> {
  themes: string[];
  everyMs: number;
}

export interface ChallengeService {
  /** The challenge running in this channel, if any. */
  running(place: ChallengePlace): Promise<Challenge | undefined>;
  get(id: string): Promise<Challenge | undefined>;
  /** Post the announcement and set the deadline. Throws UserError("challenge.errors.alreadyRunning"). */
  start(place: ChallengePlace, spec: StartSpec): Promise<Challenge>;
  /** Start the first theme now and the rest back to back, each `everyMs` long. */
  schedule(place: ChallengePlace, spec: ScheduleSpec): Promise<Challenge>;
  /** Enter a finished clip of the author's: posts the entry with its vote button. Throws UserError. */
  enterClip(challenge: Challenge, clip: ClipInfo, author: Author): Promise<Entry>;
  /** A slot for a clip still being made (/challenge submit): entered when the job completes. Throws UserError. */
  reserve(challenge: Challenge, author: Author, eventId: string): Promise<void>;
  /** Watch the job that makes a reserved slot's clip (`eventId` named the slot); entered when it completes. */
  enterJob(challenge: Challenge, jobId: string, author: Author, eventId: string): Promise<void>;
  /** Free a reserved slot whose job never got queued. */
  release(challenge: Challenge, author: Author, eventId: string): Promise<void>;
  /** The leaderboard as text, in the reader's language, people and times written the platform's way. */
  leaderboardText(challenge: Challenge, locale: string): Promise<string>;
  /** Entries by votes (ties: earlier first), removed and deleted ones left out. */
  standings(challengeId: string): Promise<Entry[]>;
  /** Voting closes now; the results and the reel follow from the deadline job. */
  end(challenge: Challenge): Promise<void>;
  /** Stop without results (and drop the rest of a schedule). */
  cancel(challenge: Challenge): Promise<void>;
  vote(clipId: string, voter: { platform: Platform; userId: string }, eventId: string): Promise<{ challenge?: Challenge; result: VoteResult; votes: number }>;
  /** The challenge a clip was entered in, with the entry (removed ones too: `removed`). */
  entryOf(clipId: string): Promise<{ challenge: Challenge; entry: Entry; removed: boolean } | undefined>;
  /** A manager takes an entry out: it loses its votes and is not in the results. */
  removeEntry(clipId: string): Promise<Challenge | undefined>;
  /** The gallery page's address (PUBLIC_URL set), else undefined. */
  galleryUrl(challengeId: string): string | undefined;
}
