// Where prompt challenges live in Redis: the bot's own keys, under `<prefix>:challenges`, never the engine's. Parts
// that come from a platform (server, channel, user and clip ids) are URI-encoded, so no id can reach into another
// key's namespace by holding a ':'; themes and prompts are only ever values, never part of a key.
import type { Platform } from "../../../commands/context.ts";

const part = (s: string) => encodeURIComponent(s);

export function challengeKeys(prefix: string) {
  const p = `${prefix}:challenges`;
  return {
    /** Hash: the challenge's fields. */
    challenge: (id: string) => `${p}:c:${id}`,
    /** The running challenge's id in one channel (one at a time). */
    running: (platform: Platform, serverId: string, channelId: string) => `${p}:run:${platform}:${part(serverId)}:${part(channelId)}`,
    /** Hash: the themes still to run back to back in one channel. */
    schedule: (platform: Platform, serverId: string, channelId: string) => `${p}:sched:${platform}:${part(serverId)}:${part(channelId)}`,
    /** Zset: a challenge's entries (clip ids) by when they were entered. */
    entries: (id: string) => `${p}:e:${id}`,
    /** Hash: one entry. */
    entry: (id: string, clipId: string) => `${p}:entry:${id}:${part(clipId)}`,
    /** Set: who voted for an entry (user ids of the challenge's platform). */
    votes: (id: string, clipId: string) => `${p}:v:${id}:${part(clipId)}`,
    /** Set: one person's entries and reserved slots in a challenge. */
    mine: (id: string, userId: string) => `${p}:mine:${id}:${part(userId)}`,
    /** The challenge a clip was entered in (a clip enters one challenge). */
    clip: (clipId: string) => `${p}:clip:${part(clipId)}`,
    /** A vote press already counted (its event id), with what it came to: a retried press changes nothing. */
    voteEvent: (platform: Platform, eventId: string) => `${p}:ve:${platform}:${part(eventId)}`,
    /** Vote presses of one person in the current minute. */
    voteRate: (platform: Platform, userId: string, minute: number) => `${p}:vr:${platform}:${part(userId)}:${minute}`,
    /**
     * Zset: the ended challenges of a platform whose highlight reel is meant to be posted but whose delivery is not
     * open yet, by when that was first meant (the bot's start-up finishes them).
     */
    reels: (platform: Platform) => `${p}:reels:${platform}`,
    /** Zset: every challenge by start time (the gallery's index). */
    all: `${p}:all`,
  };
}

export type ChallengeKeys = ReturnType<typeof challengeKeys>;
