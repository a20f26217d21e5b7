// The playground's CommandContext: one per browser request, like one platform event. The session is both the user
// and the thread (origin.conversation), so "the newest clip in this thread" means the newest clip in this tab's
// conversation; every answer becomes a message in that thread.
import { randomUUID } from "node:crypto";
import type { Attachment, ProgressUpdate, Reply } from "../../commands/context.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { BotContext, type BotServices } from "../core/context.ts";
import type { Delivery } from "../core/delivery.ts";
import { checkPicture } from "../core/remote-image.ts";
import { UserError } from "../../commands/errors.ts";
import { resolveLocale } from "../../commands/i18n.ts";
import type { PlaygroundPlace } from "./port.ts";
import { sessionDefaults } from "./session-defaults.ts";
import type { PageMessage, Session } from "../web/sessions.ts";
import { URL_PREFIX, type Uploads } from "../web/uploads.ts";

/** What every request's context shares: the playground's long-lived parts. */
export interface PlaygroundDeps extends BotServices {
  store: ClipStore;
  delivery: Delivery<PlaygroundPlace, string>;
  uploads: Uploads;
}

/**
 * The whole playground is one server: its jobs share the per-server rate limit (SORA_RATE_SERVER_*), so opening new
 * sessions cannot multiply what one visitor may queue. Its visitors manage nothing but their own session: /defaults
 * there presets only that session's requests (session-defaults.ts).
 */
export const PLAYGROUND_SERVER = "playground";

/** Client event ids make a double-submitted form one job (the queue deduplicates by event id). */
const EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class PlaygroundContext extends BotContext {
  readonly platform = "playground" as const;
  declare readonly where: { channelId: string; threadId: string; messageId?: string };
  /** What this request answered, for the HTTP response (tests read it; the page gets everything over SSE). */
  readonly answered: PageMessage[] = [];
  readonly jobIds: string[] = [];

  constructor(
    private readonly deps: PlaygroundDeps,
    private readonly session: Session,
    /** defaults: this request is /defaults, which a visitor may run for their own session (and only that). */
    opts: { locale: unknown; eventId?: unknown; messageId?: string; defaults?: boolean },
  ) {
    super({ ...deps, ...(deps.defaults ? { defaults: sessionDefaults(deps.defaults, session.id) } : {}) }, {
      locale: resolveLocale(typeof opts.locale === "string" ? opts.locale : undefined),
      eventId: typeof opts.eventId === "string" && EVENT_ID.test(opts.eventId) ? opts.eventId : randomUUID(),
      // The playground has no accounts: whoever holds the tab owns its clips and jobs, and manages nobody else's.
      // The local user's own page: they run its prompt challenges.
      user: { id: session.id, manager: opts.defaults === true, organizer: true },
      serverId: PLAYGROUND_SERVER,
      where: { channelId: "playground", threadId: session.id, ...(opts.messageId ? { messageId: opts.messageId } : {}) },
    });
  }

  protected async send(r: Reply): Promise<void> {
    const error = /^(errors|queue|challenge\.errors)\./.test(r.key) || /^playground\.(unknownCommand|upload)/.test(r.key);
    this.answered.push(this.session.post({
      author: "bot", kind: "text", text: r.text, key: r.key, error, ephemeral: r.ephemeral, replyTo: this.where.messageId,
    }));
  }

  async progress(u: ProgressUpdate): Promise<void> {
    if (this.jobIds.includes(u.jobId)) return;
    this.jobIds.push(u.jobId);
    const { place } = await this.deps.delivery.open({
      jobId: u.jobId, locale: this.locale, first: u, serverId: PLAYGROUND_SERVER,
      at: { session: this.session.id, ...(this.where.messageId ? { replyTo: this.where.messageId } : {}) },
    });
    const msg = place.messageId ? this.session.messages.get(place.messageId) : undefined;
    if (msg && !this.answered.includes(msg)) this.answered.push(msg);
  }

  /** Only the session's own, unexpired uploads (the "file host" check every adapter makes). */
  async importImage(a: Attachment): Promise<string> {
    const { uploads, store } = this.deps;
    if (!a.url.startsWith(URL_PREFIX)) throw new UserError("errors.notImage");
    const up = uploads.get(a.url, this.session.id);
    const data = up && (await uploads.read(up).catch(() => undefined));
    if (!data) throw new UserError("playground.uploadExpired");
    return store.putBlob(data, checkPicture(data), "frame");
  }
}
