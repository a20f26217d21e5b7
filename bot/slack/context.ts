// Slack's CommandContext: one per slash command, thread message, click, modal submission or workflow step. Answers
// to the asker are ephemeral (chat.postEphemeral, in the thread when there is one); a job's progress message is posted
// by SlackJobs; the workflow step's context stays silent and lets the step report instead.
import type { webApi } from "@slack/bolt";
import type { ClipPost, CommandContext, CommandUser, JobProducer, ProgressUpdate, Reply } from "../../commands/context.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { resolveLocale } from "../core/i18n.ts";
import type { Blocklist } from "../core/moderation.ts";
import type { LostJobs } from "../core/lost-jobs.ts";
import type { ServerDefaults } from "../core/server-defaults.ts";
import type { Attachment } from "../core/replies.ts";
import { importSlackImage, type SlackFileOptions } from "./files.ts";
import type { SlackJobs, Tracked } from "./jobs.ts";
import { MESSAGE_TEXT_MAX, truncate } from "./limits.ts";
import type { SlackUserInfo, SlackUsers } from "./users.ts";

/** What every event's context shares: the adapter's long-lived parts. */
export interface SlackDeps {
  client: webApi.WebClient;
  producer: JobProducer;
  store: ClipStore;
  blocklist: Blocklist;
  model: string;
  log: (line: string) => void;
  jobs: SlackJobs;
  users: SlackUsers;
  files: Omit<SlackFileOptions, "store" | "log">;
  /** Per-server /defaults; without it /defaults answers that it is unavailable. */
  defaults?: ServerDefaults;
  /** Requests the queue lost, kept for the Retry button (bot/core/lost-jobs.ts). */
  lostJobs?: LostJobs;
}

export interface SlackRequest {
  /** Stable across Slack's redeliveries of the same event: the job's idempotency key. */
  eventId: string;
  user: SlackUserInfo;
  teamId?: string;
  channelId: string;
  /** The thread the event happened in (a reply's thread_ts, a clicked message's thread). */
  threadTs?: string;
  messageTs?: string;
  /** Where ephemeral answers go when not the event's thread (a click on a top-level message answers in the channel). */
  answerThreadTs?: string | null;
}

export class SlackContext implements CommandContext {
  readonly platform = "slack" as const;
  readonly eventId: string;
  readonly locale: string;
  readonly user: CommandUser;
  readonly server?: { id: string };
  readonly where: { channelId: string; threadId?: string; messageId?: string };
  readonly producer: JobProducer;
  readonly clips: ClipStore;
  readonly blocklist: Blocklist;
  readonly model: string;
  readonly log: (line: string) => void;
  readonly defaults?: ServerDefaults;
  readonly lostJobs?: LostJobs;
  /** Everything said to the asker (tests and the workflow step read it). */
  readonly replies: Reply[] = [];
  /** Jobs this event queued, with their first ETA and the promise of their end. */
  readonly jobs = new Map<string, { etaSeconds?: number; done: Promise<Tracked> }>();

  constructor(
    private readonly deps: SlackDeps,
    private readonly req: SlackRequest,
    /** silent: replies are only recorded (a workflow step reports errors through functions.completeError). */
    private readonly opts: { silent?: boolean } = {},
  ) {
    this.eventId = req.eventId;
    this.locale = resolveLocale(req.user.locale);
    this.user = { id: req.user.id, name: req.user.name, manager: req.user.manager };
    if (req.teamId) this.server = { id: req.teamId };
    this.where = {
      channelId: req.channelId,
      ...(req.threadTs ? { threadId: req.threadTs } : {}),
      ...(req.messageTs ? { messageId: req.messageTs } : {}),
    };
    this.producer = deps.producer;
    this.clips = deps.store;
    this.blocklist = deps.blocklist;
    this.model = deps.model;
    this.log = deps.log;
    if (deps.defaults) this.defaults = deps.defaults;
    if (deps.lostJobs) this.lostJobs = deps.lostJobs;
  }

  async reply(r: Reply): Promise<void> {
    this.replies.push(r);
    if (this.opts.silent) return;
    const text = truncate(r.text, MESSAGE_TEXT_MAX);
    const answerTs = this.req.answerThreadTs === undefined ? this.req.threadTs : this.req.answerThreadTs ?? undefined;
    const thread = answerTs ? { thread_ts: answerTs } : {};
    try {
      if (r.ephemeral) await this.deps.client.chat.postEphemeral({ channel: this.req.channelId, user: this.user.id, text, ...thread });
      else await this.deps.client.chat.postMessage({ channel: this.req.channelId, text, unfurl_links: false, ...thread });
    } catch (err) {
      // The bot may not be in the channel (not_in_channel); nothing else can reach the asker from here.
      this.log(`slack: could not answer ${this.user.id} in ${this.req.channelId} (${r.key}): ${(err as Error)?.message ?? err}`);
    }
  }

  async progress(u: ProgressUpdate): Promise<void> {
    if (this.jobs.has(u.jobId)) return;
    const opened = await this.deps.jobs.open(u.jobId, this.locale, { text: u.text, state: u.snapshot.state }, { channel: this.req.channelId, threadTs: this.req.threadTs });
    this.jobs.set(u.jobId, { etaSeconds: u.snapshot.etaSeconds, done: opened.done });
  }

  async postClip(post: ClipPost): Promise<void> {
    const record = await this.deps.store.getClip(post.clip.id);
    if (!record) return;
    await this.deps.jobs.postClip(record, post, { channel: this.req.channelId, threadTs: this.req.threadTs ?? this.req.messageTs });
  }

  importImage(a: Attachment): Promise<string> {
    return importSlackImage(a, { ...this.deps.files, store: this.deps.store, log: this.log });
  }
}
