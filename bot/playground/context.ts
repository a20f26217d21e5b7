// The playground's CommandContext: one per browser request, like one platform event. The session is both the user
// and the thread (origin.threadId), so "the newest clip in this thread" means the newest clip in this tab's
// conversation; every answer becomes a message in that thread.
import { randomUUID } from "node:crypto";
import type { ClipStore } from "../../engine/store/index.ts";
import type { ClipPost, CommandContext, CommandUser, JobProducer, ProgressUpdate, Reply } from "../../commands/context.ts";
import { resolveLocale } from "../core/i18n.ts";
import type { Blocklist } from "../core/moderation.ts";
import type { Attachment } from "../core/replies.ts";
import type { LostJobs } from "../core/lost-jobs.ts";
import type { ServerDefaults } from "../core/server-defaults.ts";
import type { PlaygroundJobs } from "./jobs.ts";
import type { PageMessage, Session } from "./sessions.ts";
import type { Uploads } from "./uploads.ts";

/** What every request's context shares: the playground's long-lived parts. */
export interface PlaygroundDeps {
  producer: JobProducer;
  store: ClipStore;
  blocklist: Blocklist;
  model: string;
  log: (line: string) => void;
  jobs: PlaygroundJobs;
  uploads: Uploads;
  /** Per-server /defaults; the playground is one "server" whose visitors manage nothing, so none are ever set. */
  defaults?: ServerDefaults;
  /** Requests the queue lost, kept for the Retry button. */
  lostJobs?: LostJobs;
}

export const PLAYGROUND_SERVER = "playground";

/** Client event ids make a double-submitted form one job (the queue deduplicates by event id). */
const EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class PlaygroundContext implements CommandContext {
  readonly platform = "playground" as const;
  readonly eventId: string;
  readonly locale: string;
  readonly user: CommandUser;
  readonly where: { channelId: string; threadId: string; messageId?: string };
  readonly producer: JobProducer;
  readonly clips: ClipStore;
  readonly blocklist: Blocklist;
  readonly model: string;
  readonly log: (line: string) => void;
  readonly defaults?: ServerDefaults;
  readonly lostJobs?: LostJobs;
  /**
   * The whole playground is one server: its jobs share the per-server rate limit (SORA_RATE_SERVER_*), so opening
   * new sessions cannot multiply what one visitor may queue.
   */
  readonly server = { id: PLAYGROUND_SERVER };
  /** What this request answered, for the HTTP response (tests read it; the page gets everything over SSE). */
  readonly answered: PageMessage[] = [];
  readonly replies: Reply[] = [];
  readonly jobIds: string[] = [];

  constructor(
    private readonly deps: PlaygroundDeps,
    private readonly session: Session,
    opts: { locale: unknown; eventId?: unknown; messageId?: string },
  ) {
    this.locale = resolveLocale(typeof opts.locale === "string" ? opts.locale : undefined);
    this.eventId = typeof opts.eventId === "string" && EVENT_ID.test(opts.eventId) ? opts.eventId : randomUUID();
    // The playground has no accounts: whoever holds the tab owns its clips and jobs, and manages nobody else's.
    this.user = { id: session.id, manager: false };
    this.where = { channelId: "playground", threadId: session.id, ...(opts.messageId ? { messageId: opts.messageId } : {}) };
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
    const error = /^(errors|queue)\./.test(r.key) || /^playground\.(unknownCommand|upload)/.test(r.key);
    this.answered.push(this.session.post({
      author: "bot", kind: "text", text: r.text, key: r.key, error, ephemeral: r.ephemeral, replyTo: this.where.messageId,
    }));
  }

  async progress(update: ProgressUpdate): Promise<void> {
    const id = this.deps.jobs.fromContext(this.session, this.locale, this.where.messageId, update);
    if (!this.jobIds.includes(update.jobId)) this.jobIds.push(update.jobId);
    const msg = this.session.messages.get(id);
    if (msg && !this.answered.includes(msg)) this.answered.push(msg);
  }

  async postClip(post: ClipPost): Promise<void> {
    const record = await this.deps.store.getClip(post.clip.id);
    if (record) this.answered.push(await this.deps.jobs.postClip(this.session, record, this.where.messageId, post));
  }

  importImage(attachment: Attachment): Promise<string> {
    return this.deps.uploads.importImage(this.deps.store, attachment, this.session.id);
  }
}
