// From queue events to the thread, through bot/core's JobFollower like every adapter: one progress message per job
// (edited through the follower's EditThrottle, with a Cancel button while the job can still stop), then the finished
// clip posted under the request with presentClip's caption and buttons, and linked in the store so a reply to it
// resolves.
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { JobStatus } from "../../engine/queue/producer.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/index.ts";
import type { ClipPost, ProgressUpdate } from "../../commands/context.ts";
import { presentClip } from "../../commands/deliver.ts";
import { progressButtons } from "../core/buttons.ts";
import { JobFollower, type ProgressView } from "../core/follow-job.ts";
import type { LostJobs } from "../core/lost-jobs.ts";
import type { ProgressSnapshot } from "../core/progress.ts";
import type { PageButton, PageMessage, Session, Sessions } from "./sessions.ts";

export interface PlaygroundJobsOptions {
  sessions: Sessions;
  store: ClipStore;
  events: Pick<ClipEvents, "on" | "off">;
  /** The producer's status: catch-up for a job that ended before it was followed, and the origin of strangers' jobs. */
  status(jobId: string): Promise<JobStatus>;
  log: (line: string) => void;
  /** Minimum time between two edits of one message: a browser has no rate limit, but a page need not redraw 50×/s. */
  editIntervalMs?: number;
  /** Where lost requests are kept for Retry. */
  lostJobs?: LostJobs;
  /** How often followed jobs are checked for having vanished (JobFollower). */
  watchEveryMs?: number;
}

/** Cancel while the job can stop, Retry once the queue lost it, else none. */
function buttonsFor(s: ProgressSnapshot, jobId: string, locale: string): PageButton[] | undefined {
  const buttons = progressButtons(s.state, jobId, locale);
  return buttons.length ? pageButtons(buttons) : undefined;
}

export function pageButtons(buttons: readonly { id: string; label: string; danger: boolean }[]): PageButton[] {
  return buttons.map(({ id, label, danger }) => ({ id, label, danger }));
}


export class PlaygroundJobs {
  private readonly follower: JobFollower;
  /** Progress message ids of the jobs followed here. */
  private readonly messages = new Map<string, string>();

  constructor(private readonly opts: PlaygroundJobsOptions) {
    this.follower = new JobFollower({
      events: opts.events, store: opts.store, status: opts.status, intervalMs: opts.editIntervalMs ?? 250, log: opts.log,
      ...(opts.lostJobs ? { lostJobs: opts.lostJobs } : {}), ...(opts.watchEveryMs ? { watchEveryMs: opts.watchEveryMs } : {}),
    });
    this.follower.onUnfollowed((e) => void this.adopt(e.jobId, e.clipId).catch((err) => opts.log(`playground: job ${e.jobId}: ${err}`)));
  }

  /** CommandContext.progress: the first answer to a request opens the job's progress message; returns its id. */
  fromContext(session: Session, locale: string, replyTo: string | undefined, update: ProgressUpdate): string {
    const open = this.messages.get(update.jobId);
    if (open) return open;
    const msg = session.post({
      author: "bot", kind: "progress", jobId: update.jobId, replyTo, text: update.text,
      buttons: buttonsFor(update.snapshot, update.jobId, locale),
    });
    this.messages.set(update.jobId, msg.id);
    void this.follower.follow(update.jobId, locale, {
      progress: async (v: ProgressView) => void session.update(msg.id, {
        text: v.text, ...(v.previewRef ? { preview: `/blobs/${v.previewRef}` } : {}), buttons: buttonsFor(v.snapshot, v.jobId, locale),
      }),
      completed: async ({ clip, post }) => void (await this.post(session, clip, post, replyTo)),
    }).finally(() => this.messages.delete(update.jobId));
    return msg.id;
  }

  /** Post a stored clip into a session's thread (by default in the requester's language) and link the message to it. */
  postClip(session: Session, record: ClipRecord, replyTo?: string, post: ClipPost = presentClip(record)): Promise<PageMessage> {
    return this.post(session, record, post, replyTo);
  }

  close(): void {
    this.follower.close();
  }

  private async post(session: Session, record: ClipRecord, post: ClipPost, replyTo?: string): Promise<PageMessage> {
    const msg = session.post({
      author: "bot", kind: "clip", replyTo, buttons: pageButtons(post.buttons),
      clip: {
        id: record.id, kind: record.kind, caption: post.caption,
        video: `/blobs/${record.files.video}`, ...(record.files.thumbnail ? { poster: `/blobs/${record.files.thumbnail}` } : {}),
        width: record.frames.width, height: record.frames.height,
      },
    });
    await this.opts.store.linkMessage("playground", msg.id, record.id);
    return msg;
  }

  /**
   * A clip finished that no request here is following (this process restarted meanwhile): if it is a playground job
   * of a session this process holds, post it there all the same. Another process's sessions are that process's.
   */
  private async adopt(jobId: string, clipId: string): Promise<void> {
    if (!jobId.startsWith("playground-")) return;
    const job = (await this.opts.status(jobId)).job;
    const session = job?.origin.platform === "playground" ? this.opts.sessions.find(job.origin.userId) : undefined;
    const record = session && (await this.opts.store.getClip(clipId));
    if (session && record) await this.postClip(session, record, job!.origin.messageId);
  }
}
