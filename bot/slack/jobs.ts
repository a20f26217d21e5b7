// The adapter's jobs in flight. Each job has one progress message: in the channel for /sora (it becomes the parent of
// the clip's thread), or inside the thread a reply or button came from. The platform-neutral JobFollower turns queue
// events into throttled chat.update calls; when the clip is ready it is uploaded into the thread with files.uploadV2,
// followed by its caption and buttons, and both the progress message and the buttons message are linked to the clip
// in the store, so a thread reply (thread_ts = the parent) and a click resolve to it. A Slack job that finishes while
// nobody here follows it (the bot restarted meanwhile) is still posted, to its thread or else its channel.
import type { webApi } from "@slack/bolt";
import type { ClipPost } from "../../commands/context.ts";
import { presentClip } from "../../commands/deliver.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import { cancelButton } from "../core/buttons.ts";
import type { JobFollower, JobOutcome, ProgressView } from "../core/follow-job.ts";
import { clipBlocks, progressBlocks } from "./blocks.ts";
import { MESSAGE_TEXT_MAX, truncate } from "./limits.ts";

export interface SlackPlace {
  channel: string;
  /** The thread to post in; undefined: the channel itself. */
  threadTs?: string;
}

export interface PostedClip {
  channel: string;
  /** The caption-and-buttons message. */
  ts: string;
  threadTs?: string;
  fileId?: string;
}

export interface Tracked {
  outcome: JobOutcome;
  /** The progress message. */
  message: { channel: string; ts: string };
  clip?: PostedClip;
}

export interface JobsDeps {
  client: webApi.WebClient;
  follower: JobFollower;
  store: Pick<ClipStore, "readBlob" | "linkMessage" | "getClip">;
  log: (line: string) => void;
  /** This workspace (auth.test's team_id): orphaned clips of other workspaces are not ours to post. */
  teamId?: string;
}

/** Give a live follower a moment to claim a completion before treating it as an orphan. */
const ORPHAN_GRACE_MS = 1000;
const ORPHANS_REMEMBERED = 10_000;

function live(state: string): boolean {
  return state === "queued" || state === "running";
}

export class SlackJobs {
  private readonly orphansDone = new Set<string>();
  private readonly stopOrphans: () => void;

  constructor(private readonly deps: JobsDeps) {
    this.stopOrphans = deps.follower.onUnfollowed((e) => void this.orphan(e.jobId, e.clipId));
  }

  close(): void {
    this.stopOrphans();
  }

  /**
   * Post a job's first progress message where the request came from and follow the job from there. Resolves once the
   * message is posted; `done` resolves when the job has ended and its final state is shown.
   */
  async open(jobId: string, locale: string, first: { text: string; state: string }, place: SlackPlace): Promise<{ ts: string; done: Promise<Tracked> }> {
    const { client } = this.deps;
    const res = await client.chat.postMessage({
      channel: place.channel, text: truncate(first.text, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: progressBlocks(first.text, live(first.state) ? cancelButton(jobId, locale) : undefined, locale),
      ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
    });
    const ts = res.ts!;
    const message = { channel: place.channel, ts };
    // A /sora in the channel opens a thread under its progress message; elsewhere the job stays in its thread.
    const threadTs = place.threadTs ?? ts;
    let clip: PostedClip | undefined;
    const done = this.deps.follower.follow(jobId, locale, {
      progress: async (u: ProgressView) => {
        await client.chat.update({
          channel: place.channel, ts, text: truncate(u.text, MESSAGE_TEXT_MAX),
          blocks: progressBlocks(u.text, live(u.snapshot.state) ? cancelButton(jobId, locale) : undefined, locale),
        });
      },
      completed: async ({ clip: record, post }) => {
        clip = await this.postClip(record, post, { channel: place.channel, threadTs });
        // The parent message shows the clip's thread: a reply there, or a later /sora reply to it, continues this clip.
        await this.deps.store.linkMessage("slack", ts, record.id);
      },
    }).then((outcome) => ({ outcome, message, ...(clip ? { clip } : {}) }));
    return { ts, done };
  }

  /** Upload a clip into a thread, then its caption and buttons; link the buttons message to the clip. */
  async postClip(record: ClipRecord, post: ClipPost, place: SlackPlace): Promise<PostedClip> {
    const { client, store } = this.deps;
    const video = await store.readBlob(record.files.video);
    // files.uploadV2 = files.getUploadURLExternal → POST to the upload URL → files.completeUploadExternal. WebClient
    // retries each step on 429 after Retry-After, so a rate-limited upload still arrives, and only once.
    const thread = place.threadTs ? { thread_ts: place.threadTs } : {};
    const up = await client.files.uploadV2({
      channel_id: place.channel, ...thread, file: video, filename: `sora-${record.id}.mp4`,
      title: truncate(record.prompt || record.id, 250),
    });
    const fileId = firstFileId(up);
    const msg = await client.chat.postMessage({
      channel: place.channel, ...thread, text: truncate(post.caption, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: clipBlocks(post.caption, post.buttons, record.origin.locale, fileId),
    });
    await store.linkMessage("slack", msg.ts!, record.id);
    return { channel: place.channel, ts: msg.ts!, ...(place.threadTs ? { threadTs: place.threadTs } : {}), ...(fileId ? { fileId } : {}) };
  }

  private async orphan(jobId: string, clipId: string): Promise<void> {
    await new Promise((r) => setTimeout(r, ORPHAN_GRACE_MS));
    if (this.deps.follower.isFollowing(jobId) || this.orphansDone.has(jobId)) return;
    let clip: ClipRecord | undefined;
    try {
      clip = await this.deps.store.getClip(clipId);
    } catch {
      return;
    }
    const o = clip?.origin;
    if (!clip || !o || o.platform !== "slack" || !o.channelId) return;
    if (this.deps.teamId && o.serverId && o.serverId !== this.deps.teamId) return;
    this.orphansDone.add(jobId);
    if (this.orphansDone.size > ORPHANS_REMEMBERED) this.orphansDone.delete(this.orphansDone.values().next().value!);
    try {
      await this.postClip(clip, presentClip(clip), { channel: o.channelId, ...(o.threadId ? { threadTs: o.threadId } : {}) });
      this.deps.log(`slack: posted clip ${clip.id} of job ${jobId}, which finished while nobody followed it`);
    } catch (err) {
      this.deps.log(`slack: could not post clip ${clip.id} of job ${jobId}: ${(err as Error)?.message ?? err}`);
    }
  }
}

/** files.uploadV2 answers { files: [completeUploadExternal's answer, …] }, each with its own files list. */
function firstFileId(res: unknown): string | undefined {
  const outer = (res as { files?: { files?: { id?: string }[] }[] }).files;
  return outer?.[0]?.files?.[0]?.id;
}
