// The adapter's jobs in flight. Each job has one progress message: in the channel for /sora (it becomes the parent of
// the clip's thread), or inside the thread a reply or button came from. The platform-neutral JobFollower turns queue
// events into throttled chat.update calls; when the clip is ready it is uploaded into the thread with files.uploadV2,
// followed by its caption and buttons, and both the progress message and the buttons message are linked to the clip
// in the store, so a thread reply (thread_ts = the parent) and a click resolve to it. Where each result goes is
// recorded in the shared DeliveryBook (Redis) before following starts, so a job whose process stopped — restarted,
// crashed, or one of several bot processes gone — is taken over by whichever process claims it first: it updates
// the same progress message and uploads the clip into the same thread, once.
import type { webApi } from "@slack/bolt";
import type { ClipPost } from "../../commands/context.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import { progressButtons } from "../core/buttons.ts";
import type { Delivery, DeliveryBook } from "../core/deliveries.ts";
import type { JobFollower, JobOutcome, ProgressView } from "../core/follow-job.ts";
import { JobTakeover } from "../core/takeover.ts";
import { renderProgress } from "../core/progress.ts";
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
  /** The progress message (no ts: a job taken over before it had one ended before one was posted). */
  message: { channel: string; ts?: string };
  clip?: PostedClip;
}

export interface JobsDeps {
  client: webApi.WebClient;
  follower: JobFollower;
  store: Pick<ClipStore, "readBlob" | "linkMessage" | "getClip">;
  log: (line: string) => void;
  /** This workspace (auth.test's team_id): jobs of other workspaces are not ours to take over. */
  teamId?: string;
  deliveries: DeliveryBook;
  /** How often to look for deliveries nobody holds (their process stopped); default 10 s. */
  adoptEveryMs?: number;
}

/** What a Slack delivery remembers: the progress message to update and the thread the clip goes into. */
export interface SlackDeliveryPlace {
  channel: string;
  /** The progress message; absent while it is being posted (see open). */
  ts?: string;
  /** Absent only with ts absent, for a /sora in the channel: its thread will hang under the progress message. */
  threadTs?: string;
}

type SlackDelivery = Delivery<SlackDeliveryPlace>;

/** How long close() waits for clips already being uploaded before the process may go. */
const POST_DRAIN_MS = 15_000;

export class SlackJobs {
  private readonly takeover: JobTakeover<SlackDeliveryPlace>;
  /** Jobs followed here, until their final state is shown. */
  private readonly running = new Map<string, Promise<Tracked>>();
  /** Of those, the jobs whose clip is being posted now: close() lets these finish rather than hand them over. */
  private readonly posting = new Set<string>();

  constructor(private readonly deps: JobsDeps) {
    this.takeover = new JobTakeover<SlackDeliveryPlace>({
      platform: "slack", deliveries: deps.deliveries, follower: deps.follower, log: deps.log,
      serves: (d) => !deps.teamId || !d.serverId || d.serverId === deps.teamId,
      resume: (d) => void this.follow(d),
      ...(deps.adoptEveryMs ? { everyMs: deps.adoptEveryMs } : {}),
    });
  }

  /** Start taking over jobs whose process stopped. */
  startAdopting(): void {
    this.takeover.start();
  }

  /**
   * Stop taking jobs over and hand the followed jobs' claims back, so another process (or this one, restarted) carries
   * on at once. A clip already being uploaded is finished here first (up to POST_DRAIN_MS), so it is not posted twice.
   */
  async close(): Promise<void> {
    this.takeover.close();
    const posting = [...this.posting].flatMap((id) => this.running.get(id) ?? []);
    if (!posting.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(posting), new Promise((r) => (timer = setTimeout(r, POST_DRAIN_MS)))]);
    clearTimeout(timer);
  }

  /**
   * Post a job's first progress message where the request came from and follow the job from there. Resolves once the
   * message is posted and the delivery recorded; `done` resolves when the job has ended and its final state is shown.
   * The delivery is recorded before the message is posted too, with only the channel and thread: if this process
   * stops while posting, the process that takes the job over posts the progress message itself (at worst a second
   * one, when the first got out just before the stop) instead of the job's result going nowhere.
   */
  async open(jobId: string, locale: string, first: { text: string; state: string }, place: SlackPlace): Promise<{ ts: string; done: Promise<Tracked> }> {
    const reserved: SlackDelivery = {
      jobId, platform: "slack", ...(this.deps.teamId ? { serverId: this.deps.teamId } : {}), locale,
      place: { channel: place.channel, ...(place.threadTs ? { threadTs: place.threadTs } : {}) }, createdAt: Date.now(),
    };
    await this.record(reserved);
    let ts: string;
    try {
      ts = await this.postProgress(jobId, locale, first, reserved.place);
    } catch (err) {
      // Not posted: whichever process sweeps first (this one too) takes the job over and posts it then.
      await this.deps.deliveries.release(jobId).catch(() => undefined);
      throw err;
    }
    // A /sora in the channel opens a thread under its progress message; elsewhere the job stays in its thread.
    const d: SlackDelivery = { ...reserved, place: { channel: place.channel, ts, threadTs: place.threadTs ?? ts } };
    await this.record(d);
    return { ts, done: this.follow(d) };
  }

  private async postProgress(jobId: string, locale: string, view: { text: string; state: string }, place: SlackDeliveryPlace): Promise<string> {
    const res = await this.deps.client.chat.postMessage({
      channel: place.channel, text: truncate(view.text, MESSAGE_TEXT_MAX), unfurl_links: false,
      blocks: progressBlocks(view.text, progressButtons(view.state, jobId, locale), locale),
      ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
    });
    return res.ts!;
  }

  private async record(d: SlackDelivery): Promise<void> {
    try {
      await this.deps.deliveries.record<SlackDeliveryPlace>(d);
    } catch (err) {
      // Redis hiccup: follow anyway; only a restart before the end would lose this job's post.
      this.deps.log(`slack: could not record the delivery of job ${d.jobId}: ${(err as Error)?.message ?? err}`);
    }
  }

  private follow(d: SlackDelivery): Promise<Tracked> {
    const { jobId, locale } = d;
    const known = this.running.get(jobId);
    if (known) return known;
    const { client } = this.deps;
    const place: SlackDeliveryPlace = { ...d.place };
    const message: { channel: string; ts?: string } = { channel: place.channel, ...(place.ts ? { ts: place.ts } : {}) };
    let clip: PostedClip | undefined;
    let handedOver = false;
    this.takeover.following(jobId);
    // Taken over before its progress message was posted: post it now, and tell the next process where it is.
    const postFirst = async (view: { text: string; state: string }): Promise<void> => {
      const ts = await this.postProgress(jobId, locale, view, place);
      place.ts = message.ts = ts;
      place.threadTs ??= ts;
      await this.record({ ...d, place: { ...place } });
    };
    const done = this.deps.follower.follow(jobId, locale, {
      progress: async (u: ProgressView) => {
        // Overtaken (see completed): the process that took the job over shows its end on this message.
        if (handedOver) return;
        if (!place.ts) return postFirst({ text: u.text, state: u.snapshot.state });
        await client.chat.update({
          channel: place.channel, ts: place.ts, text: truncate(u.text, MESSAGE_TEXT_MAX),
          blocks: progressBlocks(u.text, progressButtons(u.snapshot.state, jobId, locale), locale),
        });
      },
      completed: async ({ clip: record, post }) => {
        // Closing (its claim went back) or stalled past its claim so that another process took the job over: the
        // other one posts.
        const closing = !this.takeover.startPosting(jobId);
        if (!closing) this.posting.add(jobId);
        if (closing || !(await this.deps.deliveries.stillOurs(jobId))) {
          handedOver = true;
          this.deps.log(`slack: job ${jobId} ${closing ? "ended while stopping; the process that takes it over posts it" : "was taken over by another process; not posting it here"}`);
          return;
        }
        // Taken over before its progress message was posted, and already done: the message comes first all the same,
        // so the clip lands in its thread as every other clip does (the final update then edits it to "Done").
        if (!place.ts) await postFirst({ text: renderProgress({ state: "done" }, locale), state: "done" });
        // The parent message shows the clip's thread: a reply there, or a later /sora reply to it, continues this clip.
        // Linked before the clip is posted: a reply sent the moment the clip appears must already find it.
        await this.deps.store.linkMessage("slack", place.ts!, record.id);
        clip = await this.postClip(record, post, { channel: place.channel, ...(place.threadTs ? { threadTs: place.threadTs } : {}) });
      },
    }, { showQueued: !place.ts }).then(async (outcome) => {
      await this.takeover.ended(jobId, handedOver);
      return { outcome, message, ...(clip ? { clip } : {}) };
    }).finally(() => {
      this.running.delete(jobId);
      this.posting.delete(jobId);
    });
    this.running.set(jobId, done);
    return done;
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
}

/** files.uploadV2 answers { files: [completeUploadExternal's answer, …] }, each with its own files list. */
function firstFileId(res: unknown): string | undefined {
  const outer = (res as { files?: { files?: { id?: string }[] }[] }).files;
  return outer?.[0]?.files?.[0]?.id;
}
