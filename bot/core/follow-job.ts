// Following one job until it ends, for any platform: the queue's events (engine/queue ClipEvents) for that job id
// become progress text (renderProgress, one EditThrottle per job, so a chatty worker never floods a platform's edit
// limits), and the end becomes either a finished clip ready to post (presentClip, in the requester's language) or
// a final localized status. Its user (delivery.ts) supplies only a JobView: how to show text, how to post a clip.
//
// Events are not enough when the queue itself forgets: after Redis is flushed or restarts without persistence, a job
// simply stops existing and no event ever says so. A watch asks the queue about every followed job every
// `watchEveryMs` (default 20 s); one that is gone, with no clip stored for it, ends as "lost" — the request is kept in
// LostJobs so its owner can press Retry — instead of a progress message that never moves again.
//
// A waiting job's place in line moves whenever a job ahead starts or leaves the queue: every such event (for any job)
// has the waiting jobs followed here asked for their position again — one pass at a time, a pass more when events came
// during it — and a changed "#3 in queue" goes through the job's EditThrottle like any other progress, until the job
// starts. The watch refreshes them too, for events missed while Redis was away.
//
// One listener per event type serves every followed job (a Map by job id), so a thousand jobs in flight do not
// mean a thousand listeners. Events a process sees for jobs it does not follow (another shard's, or one whose
// follower was lost to a restart) go to `onUnfollowed`, so the Delivery can still deliver them if it owns them.
import { presentClip } from "../../commands/deliver.ts";
import type { ClipPost } from "../../commands/context.ts";
import type { ClipEventMap, ClipEventName } from "../../engine/queue/events.ts";
import type { JobStatus } from "../../engine/queue/producer.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import { clipIdForJob } from "../../engine/queue/keys.ts";
import type { LostJobs } from "./lost-jobs.ts";
import type { LogLine } from "../../commands/moderation.ts";
import { EditThrottle, realClock, type Clock } from "./edit-throttle.ts";
import { renderProgress, type ProgressSnapshot } from "../../commands/progress.ts";

/** What ClipEvents offers; tests can hand in any emitter of the same events. */
export interface JobEventSource {
  on<K extends ClipEventName>(event: K, listener: (e: ClipEventMap[K]) => void): unknown;
  off<K extends ClipEventName>(event: K, listener: (e: ClipEventMap[K]) => void): unknown;
}

export interface ProgressView {
  jobId: string;
  snapshot: ProgressSnapshot;
  /** renderProgress(snapshot, locale). */
  text: string;
  /** Blob key of the newest preview image, when the worker made one. */
  previewRef?: string;
}

/** The platform side of one followed job. */
export interface JobView {
  /** Show the job's state; throttled while running, always called once more with the final state. */
  progress(update: ProgressView): Promise<void>;
  /** The clip is ready: post it. Called before the final ("done") progress update. */
  completed(result: { clip: ClipRecord; post: ClipPost }): Promise<void>;
}

export type JobOutcome = "completed" | "failed" | "cancelled";

export interface FollowOptions {
  /**
   * Show a waiting job's place in the queue at once. The caller's progress message already says "queued" as a rule;
   * a job taken over before its progress message was posted has none, and would stay silent until it started.
   */
  showQueued?: boolean;
  /** The text the progress message shows now (the caller's first "queued"), so an unchanged position is not re-sent. */
  shown?: string;
}

export interface FollowerOptions {
  events: JobEventSource;
  store: { getClip(id: string): Promise<ClipRecord | undefined | null> };
  /** Catch-up for events that fired before follow() was called (Producer.status). */
  status?: (jobId: string) => Promise<JobStatus>;
  /** Minimum time between two progress updates of one job (Discord allows about 5 edits per 5 s per channel). */
  intervalMs?: number;
  clock?: Clock;
  log?: LogLine;
  /** How often followed jobs are checked for having vanished; default 20 s (so a loss is shown within a minute). */
  watchEveryMs?: number;
  /** Where lost requests are kept for Retry; without it a lost job just ends as failed (queue.lost). */
  lostJobs?: Pick<LostJobs, "remember">;
  /**
   * How long a finished clip keeps being offered to the platform when posting it fails (an outage, 5xx, rate limits),
   * with growing pauses; default 10 minutes. The clip is safe in the store meanwhile.
   */
  postRetryMs?: number;
}

interface Followed {
  locale: string;
  /** The request as queued, once the queue has told us (for Retry if it is lost). */
  job?: ClipJob;
  view: JobView;
  throttle: EditThrottle<ProgressView>;
  /** Not started yet, as far as this follower knows: its queue position is refreshed. */
  waiting: boolean;
  /** The last text shown or sent for it, so a refresh that finds nothing new edits nothing. */
  lastText?: string;
  ended: boolean;
  outcome: Promise<JobOutcome>;
  resolve: (o: JobOutcome) => void;
}

const FINISHED_MEMORY = 10_000;

type Unfollowed = (event: { kind: "completed"; jobId: string; clipId: string }) => void;

export class JobFollower {
  private readonly jobs = new Map<string, Followed>();
  /** Jobs that ended here lately: a duplicate event for one (catch-up and live) must not look unfollowed. */
  private readonly finished = new Set<string>();
  private readonly unfollowed = new Set<Unfollowed>();
  private readonly log: LogLine;
  private readonly listeners: { [K in ClipEventName]?: (e: ClipEventMap[K]) => void };
  private readonly watch: NodeJS.Timeout;
  private checking = false;
  private closed = false;
  /** A position refresh is running; `again`: events came meanwhile, so one more pass follows. */
  private refreshing = false;
  private again = false;

  constructor(private readonly opts: FollowerOptions) {
    this.log = opts.log ?? console.warn;
    // Every event but progress means a job started or left the queue: the waiting ones' positions may have moved.
    this.listeners = {
      active: (e) => {
        this.running(e.jobId, { state: "running", stage: "prepare", step: 0, steps: 1 });
        this.positionsMoved();
      },
      progress: (e) => this.running(e.jobId, { state: "running", stage: e.stage, step: e.step, steps: e.steps, etaSeconds: e.etaSeconds }, e.previewRef),
      completed: (e) => {
        void this.complete(e.jobId, e.clipId);
        this.positionsMoved();
      },
      failed: (e) => {
        void this.end(e.jobId, "failed", { state: "failed", reason: { key: e.userMessageKey } });
        this.positionsMoved();
      },
      cancelled: (e) => {
        void this.end(e.jobId, "cancelled", { state: "cancelled" });
        this.positionsMoved();
      },
    };
    for (const [name, fn] of Object.entries(this.listeners)) opts.events.on(name as ClipEventName, fn as never);
    this.watch = setInterval(() => void this.checkAll(), opts.watchEveryMs ?? 20_000);
    this.watch.unref();
  }

  /**
   * Follow a job the caller just enqueued; resolves when it has ended and the final update is shown. Following a job
   * twice returns the first follow's promise (a redelivered event must not post twice).
   */
  follow(jobId: string, locale: string, view: JobView, opts: FollowOptions = {}): Promise<JobOutcome> {
    const known = this.jobs.get(jobId);
    if (known) return known.outcome;
    let resolve!: (o: JobOutcome) => void;
    const outcome = new Promise<JobOutcome>((r) => (resolve = r));
    const throttle = new EditThrottle<ProgressView>((u) => view.progress(u), this.opts.intervalMs ?? 1500, this.opts.clock ?? realClock,
      (err) => this.log(`progress update for job ${jobId} failed: ${(err as Error)?.message ?? err}`));
    this.jobs.set(jobId, { locale, view, throttle, waiting: true, ...(opts.shown !== undefined ? { lastText: opts.shown } : {}), ended: false, outcome, resolve });
    void this.catchUp(jobId, opts.showQueued === true);
    return outcome;
  }

  isFollowing(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Completed jobs nobody here follows (see the header). */
  onUnfollowed(fn: Unfollowed): () => void {
    this.unfollowed.add(fn);
    return () => this.unfollowed.delete(fn);
  }

  /** Stop listening. Jobs still followed get no further updates (their promises stay pending). */
  close(): void {
    this.closed = true;
    clearInterval(this.watch);
    for (const [name, fn] of Object.entries(this.listeners)) this.opts.events.off(name as ClipEventName, fn as never);
    this.jobs.clear();
  }

  /** The watch: every followed job the queue no longer has, and that left no clip, is lost. */
  private async checkAll(): Promise<void> {
    if (this.checking || !this.opts.status) return;
    this.checking = true;
    try {
      for (const [jobId, f] of [...this.jobs]) {
        if (f.ended) continue;
        const s = await this.opts.status(jobId).catch(() => undefined); // Redis down: ask again next round
        if (s?.job) f.job ??= s.job;
        if (s?.state === "waiting") this.queued(jobId, s);
        if (s?.state !== "unknown") continue;
        const clip = await this.opts.store.getClip(clipIdForJob(jobId)).catch(() => undefined);
        if (clip) await this.complete(jobId, clip.id);
        else await this.lose(jobId, f);
      }
    } finally {
      this.checking = false;
    }
  }

  /** Jobs ahead may have started or gone: ask every waiting job followed here where it stands now. */
  private positionsMoved(): void {
    if (!this.opts.status || this.closed) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    void this.refreshPositions().finally(() => (this.refreshing = false));
  }

  private async refreshPositions(): Promise<void> {
    do {
      this.again = false;
      for (const [jobId, f] of [...this.jobs]) {
        if (!f.waiting || f.ended) continue;
        const s = await this.opts.status!(jobId).catch(() => undefined); // Redis down: the watch asks again
        if (s?.state === "waiting") this.queued(jobId, s);
      }
    } while (this.again && !this.closed);
  }

  /** Show a waiting job's position, when it changed and the job has not started meanwhile (its event came first). */
  private queued(jobId: string, s: JobStatus): void {
    const f = this.jobs.get(jobId);
    if (!f || !f.waiting || f.ended || s.position === undefined) return;
    const view = this.view(jobId, { state: "queued", position: s.position, ...(s.etaSeconds !== undefined ? { etaSeconds: s.etaSeconds } : {}) }, f.locale);
    if (view.text === f.lastText) return;
    f.lastText = view.text;
    f.throttle.push(view);
  }

  private async lose(jobId: string, f: Followed): Promise<void> {
    const kept = f.job && this.opts.lostJobs
      ? await this.opts.lostJobs.remember(jobId, f.job).then(() => true, () => false)
      : false;
    this.log(`job ${jobId} vanished from the queue (Redis flushed or restarted empty)${kept ? "; its owner may retry it" : ""}`);
    await this.end(jobId, "failed", kept ? { state: "lost" } : { state: "failed", reason: { key: "queue.lost" } });
  }

  private async catchUp(jobId: string, showQueued: boolean): Promise<void> {
    if (!this.opts.status) return;
    try {
      const s = await this.opts.status(jobId);
      const followed = this.jobs.get(jobId);
      if (followed && s.job) followed.job ??= s.job;
      if (s.state === "completed" && s.clipId) await this.complete(jobId, s.clipId);
      else if (s.state === "failed") await this.end(jobId, "failed", { state: "failed", reason: { key: s.userMessageKey ?? "queue.failed" } });
      else if (s.state === "cancelled") await this.end(jobId, "cancelled", { state: "cancelled" });
      // Gone from the queue (removed, or kept past its retention): it will never send another event. Its clip, if it
      // made one, is stored under the id the worker derives from the job id.
      else if (s.state === "unknown") {
        const clip = await this.opts.store.getClip(clipIdForJob(jobId));
        if (clip) await this.complete(jobId, clip.id);
        else await this.end(jobId, "failed", { state: "failed", reason: { key: "queue.lost" } });
      }
      // Started before we listened: show where it is rather than "queued" until the next event.
      else if (s.state === "running") {
        const p = s.progress;
        this.running(jobId, p ? { state: "running", stage: p.stage, step: p.step, steps: p.steps, etaSeconds: p.etaSeconds } : { state: "running", stage: "prepare", step: 0, steps: 1 }, p?.previewRef);
      } else if (s.state === "waiting" && (showQueued || this.jobs.get(jobId)?.lastText !== undefined)) {
        // Taken over without a message: show the place at once. Otherwise the line may have moved since the caller's
        // first message was rendered: shown only when it did.
        this.queued(jobId, { ...s, position: s.position ?? 0 });
      }
    } catch (err) {
      this.log(`status of job ${jobId} unavailable: ${(err as Error)?.message ?? err}`);
    }
  }

  private view(jobId: string, snapshot: ProgressSnapshot, locale: string, previewRef?: string): ProgressView {
    return { jobId, snapshot, text: renderProgress(snapshot, locale), ...(previewRef ? { previewRef } : {}) };
  }

  private running(jobId: string, snapshot: ProgressSnapshot, previewRef?: string): void {
    const f = this.jobs.get(jobId);
    if (!f || f.ended) return;
    f.waiting = false;
    f.throttle.push(this.view(jobId, snapshot, f.locale, previewRef));
  }

  private async complete(jobId: string, clipId: string): Promise<void> {
    const f = this.jobs.get(jobId);
    if (!f) {
      if (!this.finished.has(jobId)) for (const fn of this.unfollowed) fn({ kind: "completed", jobId, clipId });
      return;
    }
    if (f.ended) return;
    f.ended = true;
    let final: ProgressSnapshot = { state: "done" };
    try {
      const clip = await this.opts.store.getClip(clipId);
      if (!clip) throw new Error(`clip ${clipId} of job ${jobId} is not in the store`);
      await this.post(jobId, f, clip);
    } catch (err) {
      this.log(`posting the clip of job ${jobId} failed: ${(err as Error)?.stack ?? err}`);
      final = { state: "failed", reason: { key: "errors.internal" } };
    }
    await this.finish(jobId, f, final.state === "done" ? "completed" : "failed", final);
  }

  /**
   * Offer the clip to the platform until it takes it: a platform outage (5xx, long rate limits, a network cut) must
   * not lose a clip that is ready. Gives up, and throws, after postRetryMs or once the follower is closed.
   */
  private async post(jobId: string, f: Followed, clip: ClipRecord): Promise<void> {
    const deadline = Date.now() + (this.opts.postRetryMs ?? 10 * 60_000);
    for (let pause = 1000; ; pause = Math.min(pause * 2, 60_000)) {
      try {
        return await f.view.completed({ clip, post: presentClip(clip) });
      } catch (err) {
        if (this.closed || Date.now() + pause > deadline) throw err;
        this.log(`posting the clip of job ${jobId} failed (${(err as Error)?.message ?? err}); trying again in ${pause / 1000} s`);
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  private async end(jobId: string, outcome: JobOutcome, snapshot: ProgressSnapshot): Promise<void> {
    const f = this.jobs.get(jobId);
    if (!f || f.ended) return;
    f.ended = true;
    await this.finish(jobId, f, outcome, snapshot);
  }

  private async finish(jobId: string, f: Followed, outcome: JobOutcome, snapshot: ProgressSnapshot): Promise<void> {
    await f.throttle.finish(this.view(jobId, snapshot, f.locale));
    // Kept until now so a late duplicate event finds `ended` and does nothing; then remembered a while longer.
    this.jobs.delete(jobId);
    this.finished.add(jobId);
    if (this.finished.size > FINISHED_MEMORY) this.finished.delete(this.finished.values().next().value!);
    f.resolve(outcome);
  }
}
