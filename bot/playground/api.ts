// What the page can ask for, each the playground's version of a platform event: a message in the thread (a command),
// a reply to a clip message, a button press, the remix form's submit, an image upload. Each builds one
// PlaygroundContext and hands it to the same commands/ code the bots call; answers reach the page over SSE.
import { COMMANDS, handleButton } from "../../commands/index.ts";
import { remixModal } from "../../commands/remix.ts";
import { handleReply } from "../../commands/reply.ts";
import { say } from "../../commands/respond.ts";
import { decodeButtonId } from "../../commands/buttons.ts";
import { isUserError } from "../../commands/errors.ts";
import { t } from "../../commands/i18n.ts";
import type { Attachment } from "../../commands/context.ts";
import { PlaygroundContext, type PlaygroundDeps } from "./context.ts";
import { parseInput } from "../../commands/route.ts";
import type { Readable } from "node:stream";
import type { SessionIds } from "../web/session-ids.ts";
import type { PageMessage, Session, Sessions } from "../web/sessions.ts";

export type Body = Record<string, unknown>;

export interface ApiResult {
  status: number;
  body: unknown;
}

/**
 * Ids and small fields, cut to `max`. What people type is taken whole (the body is bounded): a length error must
 * count what they wrote, not a cut copy.
 */
const str = (v: unknown, max: number): string => (typeof v === "string" ? v.slice(0, max) : "");
const typedText = (v: unknown): string => (typeof v === "string" ? v : "");

export class PlaygroundApi {
  constructor(
    private readonly deps: PlaygroundDeps,
    private readonly sessions: Sessions,
    private readonly ids: SessionIds,
  ) {}

  /** A new session id, issued here (session-ids.ts): the page asks for one when it has none the server accepts. */
  newSession(): string {
    return this.ids.issue();
  }

  /** The id, when this deployment issued it. */
  sessionId(id: unknown): string | undefined {
    return this.ids.valid(id) ? id : undefined;
  }

  session(id: unknown): Session | undefined {
    const valid = this.sessionId(id);
    return valid ? this.sessions.get(valid) : undefined;
  }

  /** The composer: `/sora …`, `/queue`, plain text (Slack-style), optionally with an image for /sora. */
  async message(b: Body): Promise<ApiResult> {
    const session = this.session(b.session);
    if (!session) return bad();
    const text = typedText(b.text);
    const image = this.attachment(b.attachments, session);
    const asked = session.post({ author: "user", kind: "text", text, ...(image ? { image: image.url } : {}) });
    const ctxFor = (defaults: boolean) =>
      new PlaygroundContext(this.deps, session, { locale: b.locale, eventId: b.eventId, messageId: asked.id, defaults });
    let ctx: PlaygroundContext | undefined;
    try {
      const routed = parseInput(text);
      if (image && routed.command === "sora") routed.args.image = image;
      // Only /defaults runs as the session's manager: it touches nothing but this session's own defaults.
      ctx = ctxFor(routed.command === "defaults");
      await COMMANDS[routed.command].handle(ctx, routed.args);
    } catch (err) {
      // parseInput's refusals; handlers answer their own errors.
      if (!isUserError(err)) throw err;
      ctx ??= ctxFor(false);
      await say(ctx, err.key, err.params);
    }
    return done(ctx, [asked]);
  }

  /** The reply box under a clip message: extend, `remix: …`, or an image to animate. */
  async reply(b: Body): Promise<ApiResult> {
    const session = this.session(b.session);
    const replyTo = str(b.replyTo, 200);
    if (!session || !replyTo) return bad();
    const text = typedText(b.text);
    const image = this.attachment(b.attachments, session);
    const asked = session.post({ author: "user", kind: "text", text, replyTo, ...(image ? { image: image.url } : {}) });
    const ctx = new PlaygroundContext(this.deps, session, { locale: b.locale, eventId: b.eventId, messageId: asked.id });
    const taken = await handleReply(ctx, { text, attachments: image ? [image] : [], replyToMessageId: replyTo });
    // Not for us (the clip is gone from the store, or nothing was said): the bots stay silent; here, say why.
    if (!taken) await say(ctx, text.trim() || image ? "errors.noClipHere" : "errors.emptyPrompt");
    return done(ctx, [asked]);
  }

  /** A button under a clip or a progress message. */
  async button(b: Body): Promise<ApiResult> {
    const session = this.session(b.session);
    const id = str(b.id, 200);
    const decoded = decodeButtonId(id);
    if (!session || !decoded) return bad();
    const on = str(b.messageId, 200) || undefined;
    const ctx = new PlaygroundContext(this.deps, session, { locale: b.locale, eventId: b.eventId, messageId: on });
    const outcome = await handleButton(ctx, id);
    if (outcome === "open-remix-modal") {
      const m = remixModal(decoded.target, ctx.locale);
      ctx.answered.push(session.post({
        author: "bot", kind: "modal", ephemeral: true, replyTo: on,
        modal: { ...m, submit: t(ctx.locale, "playground.remixSubmit"), close: t(ctx.locale, "playground.close") },
      }));
    }
    if (outcome === "deleted") await this.deps.delivery.deleted(session.id, decoded.target, ctx.locale);
    return done(ctx, []);
  }

  /** The remix form: its id carries the clip, like the Discord modal's custom_id. */
  async remix(b: Body): Promise<ApiResult> {
    const session = this.session(b.session);
    const decoded = decodeButtonId(str(b.modalId, 200));
    if (!session || decoded?.action !== "remix") return bad();
    const form = session.messages.get(str(b.messageId, 200));
    if (form?.kind === "modal") session.remove(form.id);
    const ctx = new PlaygroundContext(this.deps, session, { locale: b.locale, eventId: b.eventId, messageId: form?.replyTo });
    await COMMANDS.remix.handle(ctx, { clip: decoded.target, prompt: typedText(b.prompt), strength: str(b.strength, 20) });
    return done(ctx, []);
  }

  /** An image for a later message, streamed to disk. Refusals are shown in the thread like any other error. */
  async upload(sessionId: unknown, locale: unknown, body: Readable, declared: number | undefined, name: string): Promise<ApiResult> {
    const session = this.session(sessionId);
    if (!session) {
      body.resume();
      return bad();
    }
    const lng = typeof locale === "string" ? locale : undefined;
    try {
      return { status: 200, body: { attachment: await this.deps.uploads.receive(session.id, body, declared, name) } };
    } catch (err) {
      if (!isUserError(err)) throw err;
      const text = t(lng, err.key, err.params);
      session.post({ author: "bot", kind: "text", key: err.key, text, error: true, ephemeral: true });
      const tooMuch = ["errors.imageTooLarge", "playground.uploadQuota", "playground.uploadsFull"].includes(err.key);
      const status = tooMuch ? 413 : 415;
      return { status, body: { error: { key: err.key, text } } };
    }
  }

  /** Only our own uploads count as attachments (the "file host" check every adapter makes). */
  private attachment(v: unknown, session: Session): Attachment | undefined {
    const first = Array.isArray(v) ? v[0] : undefined;
    const url = typeof first === "object" && first !== null ? str((first as Body).url, 200) : "";
    if (!url) return undefined;
    const up = this.deps.uploads.get(url, session.id);
    // An expired upload still goes through as an image, so importImage answers with its "upload expired" message
    // rather than the reply resolver calling it "not an image".
    return { url, name: up?.name ?? "image", contentType: up?.contentType ?? "image/png", size: up?.bytes };
  }
}

function bad(): ApiResult {
  return { status: 400, body: { error: { key: "playground.badRequest" } } };
}

function done(ctx: PlaygroundContext, first: PageMessage[]): ApiResult {
  const seen = new Set<string>();
  const messages = [...first, ...ctx.answered].filter((m) => !seen.has(m.id) && seen.add(m.id));
  return {
    status: 200,
    body: { messages, replies: ctx.replies.map((r) => ({ key: r.key, text: r.text })), jobs: ctx.jobIds },
  };
}
