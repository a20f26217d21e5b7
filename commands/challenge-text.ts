// What prompt challenges say in a channel, in the challenge's language: the announcement, each entry with its vote
// button, the leaderboard and the results. Times and people come in already written the platform's way (Discord's
// <t:…>, Slack's <!date^…>, the playground's own) from the kernel's port; themes and prompts are shown, cut to a
// readable length, never interpreted.
import { truncate } from "../engine/text.ts";
import { encodeButtonId, type ClipButton } from "./buttons.ts";
import type { Challenge, Entry } from "./challenge-service.ts";
import { t } from "./i18n.ts";

/** A theme or prompt in a channel post: long ones would swamp it (the gallery shows them whole). */
export const SHOWN_TEXT_MAX = 200;

export interface ChallengeMessage {
  text: string;
  buttons: ClipButton[];
}

/** How a platform writes a moment and a person. */
export interface ChallengeWriting {
  time(ms: number, locale: string): string;
  mention(userId: string, name?: string): string;
  /** People's text (themes, prompts) made inert in the platform's markup (Slack's mrkdwn); default as is. */
  text?(s: string): string;
}

const inert = (w: ChallengeWriting, s: string) => (w.text ? w.text(s) : s);

function theme(c: Challenge, w: ChallengeWriting): string {
  return inert(w, truncate(c.theme, SHOWN_TEXT_MAX));
}

function withGallery(lines: string[], locale: string, gallery?: string): string {
  if (gallery) lines.push(t(locale, "challenge.gallery", { url: gallery }));
  return lines.join("\n");
}

export function announcement(c: Challenge, w: ChallengeWriting, gallery?: string): string {
  const l = c.locale;
  return withGallery([
    t(l, "challenge.announce.title", { theme: theme(c, w) }),
    t(l, "challenge.announce.deadline", { when: w.time(c.endsAt, l) }),
    t(l, "challenge.announce.howTo", { count: c.entriesPerUser }),
  ], l, gallery);
}

export function voteButton(clipId: string, votes: number, locale: string): ClipButton {
  return { action: "vote", target: clipId, label: t(locale, "challenge.buttons.vote", { count: votes }), id: encodeButtonId("vote", clipId), danger: false };
}

export function removeEntryButton(clipId: string, locale: string): ClipButton {
  return { action: "removeEntry", target: clipId, label: t(locale, "challenge.buttons.remove"), id: encodeButtonId("removeEntry", clipId), danger: true };
}

export function enterButton(clipId: string, locale: string): ClipButton {
  return { action: "enterChallenge", target: clipId, label: t(locale, "challenge.buttons.enter"), id: encodeButtonId("enterChallenge", clipId), danger: false };
}

export function entryMessage(c: Challenge, e: Entry, w: ChallengeWriting, removed = false): ChallengeMessage {
  const l = c.locale;
  const text = [
    t(l, "challenge.entry.title", { theme: theme(c, w), author: w.mention(e.userId, e.userName) }),
    t(l, "challenge.entry.prompt", { prompt: inert(w, truncate(e.prompt, SHOWN_TEXT_MAX)) }),
    ...(removed ? [t(l, "challenge.entry.removed")] : []),
  ].join("\n");
  return { text, buttons: removed ? [] : [voteButton(e.clipId, e.votes, l), removeEntryButton(e.clipId, l)] };
}

/** "1. @alice — 3 votes — a red ball" lines, best first. */
export function standingLines(entries: readonly Entry[], locale: string, w: ChallengeWriting, top = entries.length): string[] {
  return entries.slice(0, top).map((e, i) => t(locale, "challenge.standing", {
    rank: i + 1, author: w.mention(e.userId, e.userName), count: e.votes, prompt: inert(w, truncate(e.prompt, 80)),
  }));
}

export function leaderboard(c: Challenge, entries: readonly Entry[], locale: string, w: ChallengeWriting, gallery?: string): string {
  const head = t(locale, c.status === "running" ? "challenge.leaderboard.running" : "challenge.leaderboard.over",
    { theme: theme(c, w), when: w.time(c.endsAt, locale) });
  return withGallery([head, ...(entries.length ? standingLines(entries, locale, w, 10) : [t(locale, "challenge.leaderboard.empty")])], locale, gallery);
}

export function results(c: Challenge, entries: readonly Entry[], w: ChallengeWriting, gallery?: string): string {
  const l = c.locale;
  if (!entries.length) return withGallery([t(l, "challenge.results.title", { theme: theme(c, w) }), t(l, "challenge.results.none")], l, gallery);
  return withGallery([
    t(l, "challenge.results.title", { theme: theme(c, w) }),
    t(l, "challenge.results.winner", { author: w.mention(entries[0].userId, entries[0].userName) }),
    ...standingLines(entries, l, w, 3),
    ...(entries.length >= 2 ? [t(l, "challenge.results.reel")] : []),
  ], l, gallery);
}

/** Said in the channel when the queue refuses the reel for good (an entry's clip left the store meanwhile). */
export function reelRefused(c: Challenge): string {
  return t(c.locale, "challenge.results.noReel");
}

export function cancelled(c: Challenge, w: ChallengeWriting): string {
  return t(c.locale, "challenge.cancelled", { theme: theme(c, w) });
}
