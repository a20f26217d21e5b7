// The part of following jobs that takes over from stopped processes (used by delivery.ts): which jobs this process
// follows, recording their end in the DeliveryBook, and taking over jobs whose process stopped — swept every few
// seconds, and claimed at once when a job nobody here follows completes. Its owner supplies only which deliveries it
// serves and how to resume one (rebuild its progress message from the stored place and follow it again).
import type { Platform } from "../../commands/context.ts";
import type { DeliveryBook, DeliveryRecord } from "./deliveries.ts";
import type { JobFollower } from "./follow-job.ts";

export interface TakeoverOptions<P> {
  platform: Platform;
  deliveries: DeliveryBook;
  follower: JobFollower;
  log: (line: string) => void;
  /** Whether this process serves the delivery's server (its guilds, its workspace). */
  serves: (d: DeliveryRecord<P>) => boolean;
  /** Follow a taken-over job from its stored place; the owner calls following() / ended() as for its own jobs. */
  resume: (d: DeliveryRecord<P>) => void;
  /** How often to look for deliveries nobody holds; default 10 s. */
  everyMs?: number;
}

export class JobTakeover<P> {
  private readonly followed = new Set<string>();
  /** Followed jobs whose result this process has begun to post (see startPosting). */
  private readonly posting = new Set<string>();
  private readonly stopUnfollowed: () => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: TakeoverOptions<P>) {
    // A completion nobody here follows: claim it at once if its owner is gone (else the owner posts it).
    this.stopUnfollowed = o.follower.onUnfollowed((e) => void this.claim(e.jobId));
  }

  /** Start sweeping for deliveries whose process stopped: now, then every everyMs. */
  start(): void {
    const sweep = () => void this.adoptAll().catch((err) => this.o.log(`${this.o.platform}: looking for unclaimed jobs failed: ${(err as Error)?.message ?? err}`));
    sweep();
    this.timer = setInterval(sweep, this.o.everyMs ?? 10_000);
    this.timer.unref();
  }

  /** This process now follows the job. Once closed (the job's event was still mid-way): its claim goes back at once. */
  following(jobId: string): void {
    if (this.closed) void this.o.deliveries.release(jobId).catch(() => undefined);
    else this.followed.add(jobId);
  }

  /**
   * The job's result is about to be posted. From here a close() keeps the job's claim instead of handing it
   * back (another process would post the result a second time), and ended() still forgets the delivery once the
   * post is done. False once closed: the claim went back at close, so the result is for whoever takes the job over.
   */
  startPosting(jobId: string): boolean {
    if (this.closed) return false;
    this.posting.add(jobId);
    return true;
  }

  /** The job's final state is shown: forget its delivery, unless another process took it over and posts it. */
  async ended(jobId: string, handedOver: boolean): Promise<void> {
    this.followed.delete(jobId);
    const wasPosting = this.posting.delete(jobId);
    if (!handedOver && (!this.closed || wasPosting)) await this.o.deliveries.done(jobId, this.o.platform).catch(() => undefined);
  }

  /**
   * Stop: the followed jobs' claims go back, so another process — or this one, restarted — takes them over at once;
   * jobs whose result is being posted keep theirs until ended() (the owner may wait for those posts to finish).
   */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stopUnfollowed();
    for (const id of this.followed) if (!this.posting.has(id)) void this.o.deliveries.release(id).catch(() => undefined);
    this.followed.clear();
  }

  private async adoptAll(): Promise<void> {
    if (this.closed) return;
    for (const d of await this.o.deliveries.adopt<P>(this.o.platform, this.o.serves)) this.adopt(d);
  }

  private async claim(jobId: string): Promise<void> {
    if (this.closed || this.followed.has(jobId)) return;
    const d = await this.o.deliveries.claim<P>(jobId).catch(() => undefined);
    if (!d) return;
    if (d.platform !== this.o.platform || !this.o.serves(d)) {
      await this.o.deliveries.release(jobId).catch(() => undefined);
      return;
    }
    this.adopt(d);
  }

  private adopt(d: DeliveryRecord<P>): void {
    if (this.followed.has(d.jobId)) return;
    if (this.closed) {
      // Claimed by a sweep (or a completion) that was under way when close() ran: hand it straight back. Kept, the
      // claim would be renewed for as long as the book lives, and no other process could take the job over.
      void this.o.deliveries.release(d.jobId).catch(() => undefined);
      return;
    }
    this.o.log(`${this.o.platform}: took over job ${d.jobId} (its process stopped)`);
    this.o.resume(d);
  }
}
