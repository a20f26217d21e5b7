// Where each job's result must go, kept in Redis so that no result is lost when a bot process stops, and none is
// posted twice when many bot processes run. The Delivery (delivery.ts) records one when it posts a job's progress
// message (the message to keep editing, the thread, the requester's language) and forgets it once the final state is
// shown.
//
// Ownership is a claim: a Redis key with this process's id and a short expiry, renewed on a timer for every job the
// process follows. A process that dies stops renewing; a claimMs later any other process (or the same one,
// restarted) finds the delivery unclaimed in its sweep, claims it with SET NX — exactly one wins — and follows the job
// from the stored place: the old progress message is edited on, the clip goes into the thread it would have gone to.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Platform } from "../../commands/context.ts";
import { ClipHistory } from "./history.ts";

export interface DeliveryRecord<P = unknown> {
  jobId: string;
  platform: Platform;
  /** The server (Discord guild, Slack team) the job came from: a process adopts only jobs of servers it serves. */
  serverId?: string;
  locale: string;
  /** Platform-specific: where the progress message is and where the clip goes. */
  place: P;
  createdAt: number;
}

export interface DeliveryBookOptions {
  /** Key prefix; default "sora:delivery". */
  prefix?: string;
  /** How long a claim lives without renewal; default 30 s. Renewed every claimMs / 3. */
  claimMs?: number;
  /** How long an unfinished delivery is kept at all; default 2 days (longer than any job may wait). */
  ttlMs?: number;
  /** This process; default host:pid:random. */
  owner?: string;
  now?: () => number;
}

/**
 * A hash field that says, for good, that a delivery was opened (recordOnce): a result that more than one attempt may
 * set out to deliver (a prompt challenge's highlight reel, from a retried deadline job) is delivered once.
 */
export interface OpenedMark {
  key: string;
  field: string;
}

/**
 * record() where the mark is not set yet, and the mark, in one step. KEYS: mark hash, record, pending, claim. ARGV:
 * mark field, job id, record, ttl ms, createdAt, owner, claim ms. 1, or 0 (the mark was set: nothing recorded).
 */
const RECORD_ONCE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
redis.call('SET', KEYS[4], ARGV[6], 'PX', ARGV[7])
return 1`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Most deliveries one sweep looks at: the oldest first, so none starves. */
const SWEEP_BATCH = 200;

export class DeliveryBook {
  readonly owner: string;
  /** Where each delivered clip went, per person who made it (/history): kept beside the deliveries. */
  readonly posted: ClipHistory;
  private readonly prefix: string;
  private readonly claimMs: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** Jobs whose claim this process holds and renews. */
  private readonly held = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  /** After stop() the book touches Redis no more: claims it held lapse unless stop() released them. */
  private stopped = false;

  constructor(private readonly redis: Redis, opts: DeliveryBookOptions = {}) {
    this.prefix = opts.prefix ?? "sora:delivery";
    this.claimMs = opts.claimMs ?? 30_000;
    this.ttlMs = opts.ttlMs ?? 2 * 24 * 3600_000;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.now = opts.now ?? Date.now;
    this.posted = new ClipHistory(redis, `${this.prefix}:posted`);
    this.timer = setInterval(() => void this.renew().catch(() => {}), Math.max(50, Math.floor(this.claimMs / 3)));
    this.timer.unref();
  }

  private key(jobId: string): string {
    return `${this.prefix}:job:${jobId}`;
  }
  private claimKey(jobId: string): string {
    return `${this.prefix}:owner:${jobId}`;
  }
  private pendingKey(platform: Platform): string {
    return `${this.prefix}:pending:${platform}`;
  }

  /** Remember a job's delivery, claimed by this process. Recording the same job again replaces its place. */
  async record<P>(d: DeliveryRecord<P>): Promise<void> {
    if (this.stopped) throw new Error("the delivery book is stopped");
    await this.redis.multi()
      .set(this.key(d.jobId), JSON.stringify(d), "PX", this.ttlMs)
      .zadd(this.pendingKey(d.platform), d.createdAt, d.jobId)
      .set(this.claimKey(d.jobId), this.owner, "PX", this.claimMs)
      .exec();
    this.held.add(d.jobId);
  }

  /**
   * record(), only where `mark` is not set yet, setting it in the same step: false (nothing recorded, nothing claimed)
   * when an earlier call set it. Whoever recorded the delivery then, or the process that takes it over from this
   * book, shows its result; no second one is opened, whenever the caller stopped before.
   */
  async recordOnce<P>(d: DeliveryRecord<P>, mark: OpenedMark): Promise<boolean> {
    if (this.stopped) throw new Error("the delivery book is stopped");
    const fresh = await this.redis.eval(RECORD_ONCE, 4, mark.key, this.key(d.jobId), this.pendingKey(d.platform), this.claimKey(d.jobId),
      mark.field, d.jobId, JSON.stringify(d), String(this.ttlMs), String(d.createdAt), this.owner, String(this.claimMs));
    if (fresh !== 1) return false;
    this.held.add(d.jobId);
    return true;
  }

  /** The job's result has been shown (or can never be): forget its delivery. */
  async done(jobId: string, platform: Platform): Promise<void> {
    this.held.delete(jobId);
    if (this.stopped) return;
    await this.redis.multi().del(this.key(jobId)).zrem(this.pendingKey(platform), jobId).del(this.claimKey(jobId)).exec();
  }

  /** The stored delivery, claimed for this process; undefined when there is none or another process holds it. */
  async claim<P>(jobId: string): Promise<DeliveryRecord<P> | undefined> {
    if (this.stopped || this.held.has(jobId)) return undefined;   // already ours and being followed
    const won = await this.redis.set(this.claimKey(jobId), this.owner, "PX", this.claimMs, "NX");
    if (won !== "OK") return undefined;
    const raw = await this.redis.get(this.key(jobId));
    const d = raw ? parseDelivery<P>(raw) : undefined;
    if (!d) {
      await this.redis.eval(RELEASE, 1, this.claimKey(jobId), this.owner);
      return undefined;
    }
    this.held.add(jobId);
    return d;
  }

  /**
   * Every unclaimed delivery of the platform that `serves` accepts, each now claimed by this process (oldest first,
   * at most SWEEP_BATCH). Deliveries whose record expired are dropped from the pending set on the way.
   */
  async adopt<P>(platform: Platform, serves: (d: DeliveryRecord<P>) => boolean = () => true): Promise<DeliveryRecord<P>[]> {
    if (this.stopped) return [];
    const pending = this.pendingKey(platform);
    await this.redis.zremrangebyscore(pending, "-inf", String(this.now() - this.ttlMs));
    const ids = await this.redis.zrange(pending, "0", String(SWEEP_BATCH - 1));
    const out: DeliveryRecord<P>[] = [];
    for (const jobId of ids) {
      if (this.held.has(jobId) || (await this.redis.exists(this.claimKey(jobId)))) continue;
      const raw = await this.redis.get(this.key(jobId));
      const d = raw ? parseDelivery<P>(raw) : undefined;
      if (!d) {
        await this.redis.zrem(pending, jobId);
        continue;
      }
      if (!serves(d)) continue;
      const claimed = await this.claim<P>(jobId);
      if (claimed) out.push(claimed);
    }
    return out;
  }

  /** Hand a claim back without finishing (this process is stopping): another process may adopt it at once. */
  async release(jobId: string): Promise<void> {
    this.held.delete(jobId);
    if (this.stopped) return;
    await this.redis.eval(RELEASE, 1, this.claimKey(jobId), this.owner);
  }

  /**
   * Just before posting a result: true when the claim is still this process's (taking it back if it lapsed and
   * nobody else took it). False means another process adopted the job meanwhile and will post it.
   */
  async stillOurs(jobId: string): Promise<boolean> {
    if (this.stopped) return false;
    const key = this.claimKey(jobId);
    const holder = await this.redis.get(key);
    const ours = holder === this.owner || (holder === null && (await this.redis.set(key, this.owner, "PX", this.claimMs, "NX")) === "OK");
    if (ours) this.held.add(jobId);
    else this.held.delete(jobId);
    return ours;
  }

  /** Whether this process holds the job's claim (tests and logs). */
  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /**
   * Stop renewing and touching Redis. With `release`, hand every claim back first so others adopt at once; without,
   * the claims lapse after claimMs (what a crash looks like to the other processes).
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    clearInterval(this.timer);
    if (opts.release) for (const id of [...this.held]) await this.release(id).catch(() => {});
    this.held.clear();
    this.stopped = true;
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const ids = [...this.held];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.eval(RENEW, 1, this.claimKey(id), this.owner, String(this.claimMs));
    const res = (await pipe.exec()) ?? [];
    // A claim we could not renew (this process stalled past claimMs) may now be another's: stop thinking it is ours.
    res.forEach(([err, n], i) => {
      if (!err && n === 0) this.held.delete(ids[i]!);
    });
  }
}

function parseDelivery<P>(raw: string): DeliveryRecord<P> | undefined {
  try {
    const d = JSON.parse(raw) as DeliveryRecord<P>;
    return d && typeof d.jobId === "string" && typeof d.platform === "string" ? d : undefined;
  } catch {
    return undefined;
  }
}
