// Slack's side of the delivery protocol (bot/core/delivery.ts). A job's progress message goes into the channel for
// /sora (its thread then holds the clip) or into the thread a reply or button came from, and is updated with
// chat.update; the clip is uploaded into the thread with files.uploadV2 (WebClient retries each step on 429 after
// Retry-After, so a rate-limited upload still arrives, and only once), followed by its caption and buttons.
import type { webApi } from "@slack/bolt";
import { truncate } from "../../engine/text.ts";
import type { DeliveryRecord } from "../core/deliveries.ts";
import type { Capabilities, ChatPort, ClipShow, JobPlace, PostedClip, ProgressShow } from "../core/delivery.ts";
import { t } from "../../commands/i18n.ts";
import { clipBlocks, progressBlocks } from "./blocks.ts";
import { MESSAGE_TEXT_MAX } from "./limits.ts";

/** What a Slack delivery remembers: the progress message to update and the thread the clip goes into. */
export interface SlackPlace {
  channel: string;
  /** The progress message; absent while it is being posted. */
  ts?: string;
  /** The thread; absent only for a /sora in the channel before its message is posted (the thread hangs under it). */
  threadTs?: string;
}

/** A clip's caption-and-buttons message, and the uploaded file (removed with it on delete). */
export interface SlackClipMessage {
  channel: string;
  ts: string;
  fileId?: string;
}

export class SlackPort implements ChatPort<SlackPlace, SlackClipMessage> {
  readonly platform = "slack" as const;
  readonly can: Capabilities = { uploads: true, buttons: true, threads: true, previews: false };

  constructor(
    private readonly client: webApi.WebClient,
    /** This workspace (auth.test's team_id): jobs of other workspaces are not ours to take over. */
    private readonly teamId: string | undefined,
  ) {}

  messageOf(place: SlackPlace): string | undefined {
    return place.ts;
  }

  uploadLimit(): undefined {
    return undefined;
  }

  serves(d: DeliveryRecord<SlackPlace>): boolean {
    return !this.teamId || !d.serverId || d.serverId === this.teamId;
  }

  async postProgress(job: JobPlace<SlackPlace>, show: ProgressShow): Promise<SlackPlace> {
    const { place } = job;
    const res = await this.client.chat.postMessage({
      channel: place.channel, text: truncate(show.text, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: progressBlocks(show.text, show.buttons, job.locale),
      ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
    });
    // A /sora in the channel opens a thread under its progress message; elsewhere the job stays in its thread.
    return { channel: place.channel, ts: res.ts!, threadTs: place.threadTs ?? res.ts! };
  }

  async editProgress(job: JobPlace<SlackPlace>, show: ProgressShow): Promise<void> {
    await this.client.chat.update({
      channel: job.place.channel, ts: job.place.ts!, text: truncate(show.text, MESSAGE_TEXT_MAX),
      blocks: progressBlocks(show.text, show.buttons, job.locale),
    });
  }

  /** The video into the thread, then its caption and buttons (the buttons message is the one linked to the clip). */
  async postClip(job: JobPlace<SlackPlace>, show: ClipShow): Promise<PostedClip> {
    const { clip, post, video } = show;
    const { channel, threadTs } = job.place;
    const thread = threadTs ? { thread_ts: threadTs } : {};
    const fileId = video ? firstFileId(await this.client.files.uploadV2({
      channel_id: channel, ...thread, file: video, filename: `sora-${clip.id}.mp4`, title: truncate(clip.prompt || clip.id, 250),
    })) : undefined;
    const caption = video ? post.caption : `${post.caption}\n${show.link}`;
    const msg = await this.client.chat.postMessage({
      channel, ...thread, text: truncate(caption, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: clipBlocks(caption, post.buttons, clip.origin.locale, fileId),
    });
    return { messages: [msg.ts!], ...(threadTs ? { thread: threadTs } : {}) };
  }

  /** After a delete: the buttons message says so and loses its buttons, and the uploaded video goes too. */
  async removeClip(message: SlackClipMessage, _clipId: string, locale: string): Promise<void> {
    const text = truncate(t(locale, "slack.clipDeleted"), MESSAGE_TEXT_MAX);
    // The file goes even when the message could not be updated; the first failure is reported.
    const updated = await this.client.chat.update({ channel: message.channel, ts: message.ts, text, blocks: [] })
      .then(() => undefined, (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (message.fileId && /^F\w+$/.test(message.fileId)) await this.client.files.delete({ file: message.fileId });
    if (updated) throw updated;
  }
}

/** files.uploadV2 answers { files: [completeUploadExternal's answer, …] }, each with its own files list. */
function firstFileId(res: unknown): string | undefined {
  const outer = (res as { files?: { files?: { id?: string }[] }[] }).files;
  return outer?.[0]?.files?.[0]?.id;
}
