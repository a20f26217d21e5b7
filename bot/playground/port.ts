// The playground's side of the delivery protocol (bot/core/delivery.ts): one thread per browser session, so a job's
// progress message is a message of its session (under the request it answers), edited in place with the worker's
// previews and the Cancel button; the clip is a message the page plays from our own /blobs route, nothing uploaded.
import type { DeliveryRecord } from "../core/deliveries.ts";
import type { Capabilities, ChatPort, ClipShow, JobPlace, PostedClip, ProgressShow } from "../core/delivery.ts";
import { t } from "../../commands/i18n.ts";
import type { PageButton, Sessions } from "../web/sessions.ts";

export interface PlaygroundPlace {
  /** The session: the page's one thread. */
  session: string;
  /** The request's message, which the progress and clip messages answer. */
  replyTo?: string;
  /** The progress message, once posted. */
  messageId?: string;
}

export function pageButtons(buttons: readonly { id: string; label: string; danger: boolean }[]): PageButton[] | undefined {
  return buttons.length ? buttons.map(({ id, label, danger }) => ({ id, label, danger })) : undefined;
}

export class PlaygroundPort implements ChatPort<PlaygroundPlace, string> {
  readonly platform = "playground" as const;
  readonly can: Capabilities = { uploads: false, buttons: true, threads: true, previews: true };

  constructor(private readonly sessions: Sessions) {}

  messageOf(place: PlaygroundPlace): string | undefined {
    return place.messageId;
  }

  uploadLimit(): undefined {
    return undefined;
  }

  /** Sessions live in the memory of the process that serves their page: only that one can show their jobs. */
  serves(d: DeliveryRecord<PlaygroundPlace>): boolean {
    return this.sessions.find(d.place.session) !== undefined;
  }

  async postProgress(job: JobPlace<PlaygroundPlace>, show: ProgressShow): Promise<PlaygroundPlace> {
    const { session, replyTo } = job.place;
    const msg = this.sessions.get(session).post({
      author: "bot", kind: "progress", jobId: job.jobId, replyTo, text: show.text, buttons: pageButtons(show.buttons),
      ...(show.preview ? { preview: `/blobs/${show.preview}` } : {}),
    });
    return { ...job.place, messageId: msg.id };
  }

  async editProgress(job: JobPlace<PlaygroundPlace>, show: ProgressShow): Promise<PlaygroundPlace | void> {
    const updated = this.sessions.get(job.place.session).update(job.place.messageId!, {
      text: show.text, buttons: pageButtons(show.buttons), ...(show.preview ? { preview: `/blobs/${show.preview}` } : {}),
    });
    // Gone from the thread (evicted, or this process restarted since): carry on in a new message.
    if (!updated) return this.postProgress(job, show);
  }

  async postClip(job: JobPlace<PlaygroundPlace>, show: ClipShow): Promise<PostedClip> {
    const { clip, post } = show;
    const msg = this.sessions.get(job.place.session).post({
      author: "bot", kind: "clip", replyTo: job.place.replyTo, buttons: pageButtons(post.buttons),
      clip: {
        id: clip.id, kind: clip.kind, caption: post.caption,
        video: `/blobs/${clip.files.video}`, ...(clip.files.thumbnail ? { poster: `/blobs/${clip.files.thumbnail}` } : {}),
        width: clip.frames.width, height: clip.frames.height,
      },
    });
    return { messages: [msg.id], thread: job.place.session };
  }

  /** Every message of the session that shows the clip says it was deleted, without its video and buttons. */
  async removeClip(session: string, clipId: string, locale: string): Promise<void> {
    const s = this.sessions.find(session);
    if (!s) return;
    for (const msg of s.messages.values()) {
      if (msg.clip?.id === clipId) s.update(msg.id, { deleted: true, clip: undefined, buttons: undefined, text: t(locale, "playground.deleted") });
    }
  }
}
