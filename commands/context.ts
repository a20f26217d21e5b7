// The neutral port every command handler is written against. An adapter (Discord, Slack, playground) builds one
// CommandContext per incoming event; handlers only ever call what is here, so they never see a platform API.
import type { CancelOutcome, EnqueueResult, JobStatus, QueueInfo } from "../engine/queue/producer.ts";
import type { Actor } from "../engine/queue/identity.ts";
import type { ClipJob } from "../engine/queue/schema.ts";
import type { ClipRecord } from "../engine/store/types.ts";
import type { ClipButton } from "./buttons.ts";
import type { ChallengeService } from "./challenge-service.ts";
import type { Message } from "./i18n.ts";
import type { Blocklist, LogLine } from "./moderation.ts";
import type { ProgressSnapshot } from "./progress.ts";
import type { ServerDefaults } from "./server-defaults.ts";

/** The chat platforms a request can come from (the engine knows only an opaque namespace for user ids). */
export const PLATFORMS = ["discord", "slack", "playground"] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * What commands read of a clip: the store's record without its file keys; its frame geometry where the lookup has it
 * (how long a stitch of it would run).
 */
export type ClipInfo = Omit<ClipRecord, "files" | "frames"> & { frames?: ClipRecord["frames"] };

type Maybe<T> = Promise<T | undefined | null>;

/** The clips as commands and reply resolution read them: the store, plus which message or thread shows which clip. */
export interface ClipLookup {
  getClip(id: string): Maybe<ClipInfo>;
  clipForMessage(platform: Platform, messageId: string): Maybe<ClipInfo>;
  latestInThread(platform: Platform, threadId: string): Maybe<ClipInfo>;
  /** Ids of the clips posted in a thread, oldest first; without it, a clip counts as the thread's by its origin alone. */
  clipsInThread?(platform: Platform, threadId: string): Promise<string[]>;
  /** Throws unless `by` made the clip or manages the server it was made in (engine/queue/identity.ts). */
  deleteClip(id: string, by: Actor): Promise<unknown>;
}

/** A file a person attached, as the platform describes it. */
export interface Attachment {
  /** Where the adapter can fetch it; host checks are the adapter's (only that platform's CDN is trusted). */
  url: string;
  name?: string;
  contentType?: string;
  size?: number;
}

/** Requests the queue lost (Redis flushed, or restarted empty), kept so their owner can press Retry. */
export interface LostRequests {
  get(jobId: string): Promise<ClipJob | undefined>;
  /** Retried: a second press must not send it twice. True for the one call that removed it. */
  forget(jobId: string): Promise<boolean>;
}

/** What handlers need of the queue: engine/queue/producer.ts's Producer satisfies it as is. */
export interface JobProducer {
  enqueue(job: ClipJob): Promise<EnqueueResult>;
  /** Throws NotAllowed unless `by` owns the job or manages the server it came from. */
  cancel(jobId: string, by: Actor): Promise<CancelOutcome>;
  status(jobId: string): Promise<JobStatus>;
  queueInfo(user?: { platform: Platform; userId: string }): Promise<QueueInfo>;
}

export interface CommandUser {
  id: string;
  name?: string;
  /** The platform says this person may manage other people's clips and jobs (Discord Manage Messages, Slack admin). */
  manager: boolean;
  /** May run community prompt challenges here (Discord: Manage Server or a configured role; Slack: an admin or a
   *  configured user group; the playground's local user). */
  organizer?: boolean;
}

/** A rendered answer. `key` and `params` travel along so adapters can style by kind (errors in red) and tests can check intent. */
export interface Reply extends Message {
  text: string;
  /** Only the asker sees it (Discord ephemeral, Slack chat.postEphemeral). Errors always are. */
  ephemeral: boolean;
}

export interface ProgressUpdate {
  jobId: string;
  snapshot: ProgressSnapshot;
  /** renderProgress(snapshot, locale): ready to show. */
  text: string;
}

export interface ClipPost {
  clip: ClipInfo;
  /** Localized caption lines (kind, prompt, seed, settings, parent). */
  caption: string;
  buttons: ClipButton[];
}

/** The person behind a context as the queue and the store check permissions: platform + user, and where they act. */
export function actorOf(ctx: Pick<CommandContext, "platform" | "user" | "server">): Actor {
  return { platform: ctx.platform, userId: ctx.user.id, manager: ctx.user.manager, ...(ctx.server ? { serverId: ctx.server.id } : {}) };
}

/** A clip the bot posted, as a person's history lists it (bot/core/history.ts keeps them). */
export interface PostedClipRef {
  clipId: string;
  /** When it was posted (ms since the epoch). */
  at: number;
  /** The platform's address of the clip's message, where it gave one when posting (Discord). */
  url?: string;
  /** The message that shows the clip, and its channel where message ids are per channel (Slack). */
  messageId?: string;
  channel?: string;
}

/** Each person's recently posted clips (for /history). */
export interface ClipHistoryReader {
  /** The person's clips, newest first, at most `limit`. */
  recent(platform: Platform, userId: string, limit: number): Promise<PostedClipRef[]>;
}

/** How a platform's people name its channels in commands (`channel:`), and how the bot writes one back. */
export interface ChannelRefs {
  /** A channel mention as the platform sends it (Discord's channel option, Slack's <#C…|name>) → the channel's id;
   *  undefined for anything else (a bare id, a name, a path, an address). Says nothing of whether the bot may post there. */
  parse(ref: string): string | undefined;
  /** The channel as a mention in the platform's markup. */
  mention(channelId: string): string;
}

export interface CommandContext {
  readonly platform: Platform;
  /** The platform event's id: the job's idempotency key, so a redelivered event never renders twice. */
  readonly eventId: string;
  /** The reader's platform locale code, as the platform gave it ("es-419", "ja-JP"); i18n resolves it. */
  readonly locale: string;
  readonly user: CommandUser;
  readonly server?: { id: string };
  /** Where the request came from; the result is posted back there. */
  readonly where: { channelId?: string; threadId?: string; messageId?: string };
  readonly producer: JobProducer;
  readonly clips: ClipLookup;
  readonly blocklist: Blocklist;
  /** The model the workers serve, for the info view. */
  readonly model: string;
  /** Operator log (moderation refusals, internal errors); default console.warn. */
  readonly log?: LogLine;
  /** Per-server defaults (/defaults). Optional: without it /defaults says so and jobs go out as the user asked. */
  readonly defaults?: ServerDefaults;
  /** Requests the queue lost, for the Retry button; without it Retry answers that it cannot. */
  readonly lostJobs?: LostRequests;
  /** Community prompt challenges (bot/core/challenges); without it /challenge says it is unavailable. */
  readonly challenges?: ChallengeService;
  /** Channels named in commands; absent where there is only one (the playground), so `channel:` is refused there. */
  readonly channels?: ChannelRefs;
  /** The clips the bot posted, per person (/history); without it /history says it is unavailable. */
  readonly history?: ClipHistoryReader;

  /** An address of a posted clip's message the platform must be asked for (Slack's permalinks); absent elsewhere. */
  messageLink?(ref: PostedClipRef): Promise<string | undefined>;

  /**
   * A link to one of this platform's messages, as people copy it (Discord's "Copy Message Link", a Slack permalink) →
   * the message's id as the links know it; undefined when the text is no such link. Absent where messages have none.
   */
  messageIdOf?(link: string): string | undefined;

  reply(reply: Reply): Promise<void>;
  /** Told of every job this event enqueued, a redelivered event's duplicate too (the kernel keeps the list). */
  enqueued?(job: { jobId: string; duplicate: boolean }): void;
  /** Show or update this request's progress message. */
  progress(update: ProgressUpdate): Promise<void>;
  /**
   * Fetch an attachment from the platform's own file host (size-capped, checked to be an image) and store it as a
   * conditioning frame; returns the store's blob key for ClipJob.imageRef. Throws UserError for a bad image.
   */
  importImage(attachment: Attachment): Promise<string>;
}
