// Slack's side of the delivery protocol (bot/core/delivery.ts). A job's progress message goes into the channel for
// /sora (its thread then holds the clip) or into the thread a reply or button came from, and is updated with
// chat.update, showing the worker's latest preview (previews.ts); the clip is uploaded into the thread with
// files.uploadV2 (WebClient retries each step on 429 after Retry-After, so a rate-limited upload still arrives, and
// only once), followed by its caption and buttons. The kernel fits the video to the upload limit; when the workspace
// refuses the upload anyway (it restricts large files, or has uploads off), the caption carries the link instead.
import type { webApi } from "@slack/bolt";
import type { ClipStore } from "../../engine/store/types.ts";
import { truncate } from "../../engine/text.ts";
import type { DeliveryRecord } from "../core/deliveries.ts";
import type { Capabilities, ChatPort, ClipShow, JobPlace, PostedClip, ProgressShow } from "../core/delivery.ts";
import { t } from "../../commands/i18n.ts";
import { clipBlocks, progressBlocks, type PreviewImage } from "./blocks.ts";
import { MESSAGE_TEXT_MAX, SLACK_FILE_MAX_BYTES } from "./limits.ts";
import { SlackPreviews } from "./previews.ts";
import { firstFileId, uploadRefusal } from "./uploads.ts";

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

export interface SlackPortOptions {
  /** This workspace (auth.test's team_id): jobs of other workspaces are not ours to take over. */
  teamId: string | undefined;
  /** Largest clip to upload (SLACK_MAX_UPLOAD_MB where the workspace restricts large files); default Slack's 1 GB. */
  uploadLimit?: number;
  store: Pick<ClipStore, "readBlob">;
  log: (line: string) => void;
}

export class SlackPort implements ChatPort<SlackPlace, SlackClipMessage> {
  readonly platform = "slack" as const;
  readonly can: Capabilities = { uploads: true, buttons: true, threads: true, previews: true };
  private readonly previews: SlackPreviews;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly o: SlackPortOptions,
  ) {
    this.previews = new SlackPreviews(client, o.store, o.log);
  }

  messageOf(place: SlackPlace): string | undefined {
    return place.ts;
  }

  uploadLimit(): number {
    return this.o.uploadLimit ?? SLACK_FILE_MAX_BYTES;
  }

  serves(d: DeliveryRecord<SlackPlace>): boolean {
    const { teamId } = this.o;
    return !teamId || !d.serverId || d.serverId === teamId;
  }

  release(jobId: string): void {
    this.previews.release(jobId);
  }

  async postProgress(job: JobPlace<SlackPlace>, show: ProgressShow): Promise<SlackPlace> {
    const { place } = job;
    const ts = await this.withPreview(job, show, async (preview) => (await this.client.chat.postMessage({
      channel: place.channel, text: truncate(show.text, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: progressBlocks(show.text, show.buttons, job.locale, preview),
      ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
    })).ts!);
    // A /sora in the channel opens a thread under its progress message; elsewhere the job stays in its thread.
    return { channel: place.channel, ts, threadTs: place.threadTs ?? ts };
  }

  async editProgress(job: JobPlace<SlackPlace>, show: ProgressShow): Promise<void> {
    await this.withPreview(job, show, (preview) => this.client.chat.update({
      channel: job.place.channel, ts: job.place.ts!, text: truncate(show.text, MESSAGE_TEXT_MAX),
      blocks: progressBlocks(show.text, show.buttons, job.locale, preview),
    }));
  }

  /** The video into the thread, then its caption and buttons (the buttons message is the one linked to the clip). */
  async postClip(job: JobPlace<SlackPlace>, show: ClipShow): Promise<PostedClip> {
    const { clip, post, video } = show;
    const { channel, threadTs } = job.place;
    const thread = threadTs ? { thread_ts: threadTs } : {};
    const fileId = video ? await this.uploadClip(job, video.length, {
      channel_id: channel, ...thread, file: video, filename: `sora-${clip.id}.mp4`, title: truncate(clip.prompt || clip.id, 250),
    }) : undefined;
    const caption = fileId ? post.caption : `${post.caption}\n${show.link}`;
    const msg = await this.client.chat.postMessage({
      channel, ...thread, text: truncate(caption, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: clipBlocks(caption, post.buttons, clip.origin.locale, fileId),
    });
    return { messages: [msg.ts!], channel, ...(threadTs ? { thread: threadTs } : {}) };
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

  /** The uploaded file's id; undefined when the workspace refused the upload (the caller posts the link). */
  private async uploadClip(job: JobPlace<SlackPlace>, bytes: number, args: webApi.FilesUploadV2Arguments): Promise<string | undefined> {
    try {
      return firstFileId(await this.client.files.uploadV2(args));
    } catch (err) {
      const refused = uploadRefusal(err);
      if (!refused) throw err;
      this.o.log(`slack: the workspace refused the upload of job ${job.jobId} (${refused}, ${bytes} bytes); posting the link`);
      return undefined;
    }
  }

  /**
   * Send a progress message with the preview it should show now: a new one uploaded, else the one shown so far (every
   * chat.update replaces all blocks), none once the job has ended. A preview Slack will not show (invalid_blocks: the
   * file is not ready or is gone) is dropped and the text goes out without it.
   */
  private async withPreview<T>(job: JobPlace<SlackPlace>, show: ProgressShow, send: (preview?: PreviewImage) => Promise<T>): Promise<T> {
    const alt = t(job.locale, "slack.previewAlt");
    const fresh = show.preview ? await this.previews.upload(job.jobId, show.preview, alt) : undefined;
    const fileId = show.clearPreview ? undefined : fresh ?? this.previews.current(job.jobId);
    if (!fileId) {
      const out = await send();
      await this.previews.shows(job.jobId, undefined);
      return out;
    }
    try {
      const out = await send({ fileId, alt });
      await this.previews.shows(job.jobId, fileId);
      return out;
    } catch (err) {
      if ((err as { data?: { error?: string } }).data?.error !== "invalid_blocks") throw err;
      this.o.log(`slack: Slack would not show preview file ${fileId} of job ${job.jobId}; updating without it`);
      const out = await send();
      await this.previews.shows(job.jobId, undefined);
      if (fresh) await this.previews.discard(job.jobId, fresh);
      return out;
    }
  }
}
