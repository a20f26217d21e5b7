// The CommandContext every platform builds per event, written once: who asks, where, and the shared services; each
// answer recorded (tests, the workflow step and the playground's HTTP answer read them). A platform's context adds
// only how an answer reaches the person, how a job's first progress message is posted (through its Delivery), and
// where attachments may be fetched from.
import type { Attachment, ClipHistoryReader, ClipLookup, CommandContext, CommandUser, JobProducer, Platform, ProgressUpdate, Reply } from "../../commands/context.ts";
import type { LostJobs } from "./lost-jobs.ts";
import type { ChallengeService } from "../../commands/challenge-service.ts";
import type { Blocklist } from "../../commands/moderation.ts";
import type { ServerDefaults } from "../../commands/server-defaults.ts";

/** What every event of every platform shares: the bot's long-lived services. */
export interface BotServices {
  producer: JobProducer;
  clips: ClipLookup;
  blocklist: Blocklist;
  /** The model the workers serve, for the info view. */
  model: string;
  log: (line: string) => void;
  /** Per-server /defaults; without it /defaults answers that it is unavailable. */
  defaults?: ServerDefaults;
  /** Requests the queue lost, kept for the Retry button. */
  lostJobs?: Pick<LostJobs, "get" | "forget">;
  /** Community prompt challenges on this platform (bot/core/challenges). */
  challenges?: ChallengeService;
  /** The clips the bot posted, per person (/history). */
  history?: ClipHistoryReader;
}

/** One platform event, as the platform's context reads it. */
export interface BotEvent {
  /** Stable across the platform's redeliveries of the same event: the job's idempotency key. */
  eventId: string;
  locale: string;
  user: CommandUser;
  serverId?: string;
  where: { channelId?: string; threadId?: string; messageId?: string };
}

export abstract class BotContext implements CommandContext {
  abstract readonly platform: Platform;
  readonly eventId: string;
  readonly locale: string;
  readonly user: CommandUser;
  readonly server?: { id: string };
  readonly where: BotEvent["where"];
  readonly producer: JobProducer;
  readonly clips: ClipLookup;
  readonly blocklist: Blocklist;
  readonly model: string;
  readonly log: (line: string) => void;
  readonly defaults?: ServerDefaults;
  readonly lostJobs?: Pick<LostJobs, "get" | "forget">;
  readonly challenges?: ChallengeService;
  readonly history?: ClipHistoryReader;
  /** Everything answered, in order. */
  readonly replies: Reply[] = [];
  /** Every job this event enqueued, in order (a duplicate: the event was delivered before). */
  readonly queued: { jobId: string; duplicate: boolean }[] = [];

  constructor(services: BotServices, e: BotEvent) {
    this.eventId = e.eventId;
    this.locale = e.locale;
    this.user = e.user;
    if (e.serverId) this.server = { id: e.serverId };
    this.where = e.where;
    this.producer = services.producer;
    this.clips = services.clips;
    this.blocklist = services.blocklist;
    this.model = services.model;
    this.log = services.log;
    if (services.defaults) this.defaults = services.defaults;
    if (services.lostJobs) this.lostJobs = services.lostJobs;
    if (services.challenges) this.challenges = services.challenges;
    if (services.history) this.history = services.history;
  }

  async reply(r: Reply): Promise<void> {
    this.replies.push(r);
    await this.send(r);
  }

  enqueued(job: { jobId: string; duplicate: boolean }): void {
    this.queued.push(job);
  }

  /** Show an answer to the person, the platform's way. */
  protected abstract send(r: Reply): Promise<void>;
  abstract progress(update: ProgressUpdate): Promise<void>;
  abstract importImage(attachment: Attachment): Promise<string>;
}
