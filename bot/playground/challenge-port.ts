// Prompt challenges in the playground (bot/core/challenges/port.ts). The whole playground is one server with one
// channel, and each open tab is a thread of it (a session), so a challenge's posts go into every session this process
// holds: the thread view shows the challenge, its entries (playing, with their vote buttons) and its results. The
// local user runs challenges (PlaygroundContext makes them an organizer); the reel goes to the starter's session.
import type { ChallengeMessage } from "../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../commands/challenge-service.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import type { ChallengePort } from "../core/challenges/port.ts";
import { newMessageId, type PageMessage, type Sessions } from "../web/sessions.ts";
import { pageButtons, type PlaygroundPlace } from "./port.ts";

export class PlaygroundChallengePort implements ChallengePort<PlaygroundPlace> {
  readonly platform = "playground" as const;
  readonly uploads = false;
  /** Which sessions got each post (under the same id in each), for edits. */
  private readonly copies = new Map<string, string[]>();

  constructor(private readonly sessions: Sessions) {}

  time(ms: number, locale: string): string {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
  }

  /** Sessions have no names: a short, stable tag of the id (the full id is a bearer secret of its tab). */
  mention(userId: string, name?: string): string {
    return name ?? `#${userId.replace(/[^A-Za-z0-9]/g, "").slice(0, 6)}`;
  }

  private broadcast(msg: Omit<PageMessage, "id">): string {
    const id = newMessageId();
    const to = this.sessions.all().map((s) => (s.post({ ...msg, id }), s.id));
    this.copies.set(id, to);
    return id;
  }

  async post(_place: ChallengePlace, m: ChallengeMessage): Promise<string> {
    return this.broadcast({ author: "bot", kind: "text", text: m.text, buttons: pageButtons(m.buttons) });
  }

  async postEntry(_place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord): Promise<string> {
    return this.broadcast({
      author: "bot", kind: "clip", buttons: pageButtons(m.buttons),
      clip: {
        id: clip.id, kind: clip.kind, caption: m.text, video: `/blobs/${clip.files.video}`,
        ...(clip.files.thumbnail ? { poster: `/blobs/${clip.files.thumbnail}` } : {}), width: clip.frames.width, height: clip.frames.height,
      },
    });
  }

  async edit(_place: ChallengePlace, id: string, m: ChallengeMessage): Promise<void> {
    for (const sid of this.copies.get(id) ?? []) {
      const s = this.sessions.find(sid);
      const old = s?.messages.get(id);
      if (!s || !old) continue;
      s.update(id, old.clip ? { clip: { ...old.clip, caption: m.text }, buttons: pageButtons(m.buttons) } : { text: m.text, buttons: pageButtons(m.buttons) });
    }
  }

  reelPlace(place: ChallengePlace & { startedBy?: string }): PlaygroundPlace {
    return { session: place.startedBy ?? "" };
  }
}
