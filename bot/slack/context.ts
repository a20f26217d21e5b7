// Slack's CommandContext: one per slash command, thread message, click, modal submission or workflow step. Answers
// to the asker are ephemeral (chat.postEphemeral, in the thread when there is one); a job's progress message is posted
// through the Delivery; the workflow step's context stays silent and lets the step report instead.
import type { webApi } from "@slack/bolt";
import type { Attachment, ChannelRefs, PostedClipRef, ProgressUpdate, Reply } from "../../commands/context.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { truncate } from "../../engine/text.ts";
import { BotContext, type BotServices } from "../core/context.ts";
import type { Delivery, Tracked } from "../core/delivery.ts";
import type { SharedImages } from "../core/shared-images.ts";
import { resolveLocale } from "../../commands/i18n.ts";
import { importSlackImage, type SlackFileOptions } from "./files.ts";
import { MESSAGE_TEXT_MAX } from "./limits.ts";
import { slackMessageTs } from "./message-links.ts";
import type { SlackClipMessage, SlackPlace } from "./port.ts";
import type { SlackUserInfo, SlackUsers } from "./users.ts";

/** What every event's context shares: the adapter's long-lived parts. */
export interface SlackDeps extends BotServices {
  client: webApi.WebClient;
  store: ClipStore;
  delivery: Delivery<SlackPlace, SlackClipMessage>;
  users: SlackUsers;
  files: Omit<SlackFileOptions, "store" | "log">;
  /** The bot's own user id (auth.test): a message that mentions it is a request. */
  botUserId?: string;
  /** Images people shared for their next /sora (bot/core/shared-images.ts). */
  sharedImages?: SharedImages;
  /** SLACK_CHALLENGE_GROUP: a user group whose members run prompt challenges besides admins (challenge-command.ts). */
  challengeGroup?: string;
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

/**
 * Slack's channel mention as slash-command text carries it (the command escapes channels): <#C0123ABCD> or
 * <#C0123ABCD|name>, public (C) or private (G) channels. A bare id, a #name, a path or an address is none.
 */
export const SLACK_CHANNELS: ChannelRefs = {
  parse: (ref) => /^<#([CG][A-Z0-9]{2,20})(?:\|[^<>|]{0,80})?>$/.exec(ref.trim())?.[1],
  mention: (id) => (/^[CG][A-Z0-9]{2,20}$/.test(id) ? `<#${id}>` : "#?"),
};

export class SlackContext extends BotContext {
  readonly platform = "slack" as const;
  readonly channels = SLACK_CHANNELS;
  /** Jobs this event queued, with their first ETA and the promise of their end. */
  readonly jobs = new Map<string, { etaSeconds?: number; done: Promise<Tracked<SlackPlace>> }>();

  constructor(
    private readonly deps: SlackDeps,
    private readonly req: SlackRequest,
    /** silent: replies are only recorded (a workflow step reports errors through functions.completeError). */
    private readonly opts: { silent?: boolean } = {},
  ) {
    super(deps, {
      eventId: req.eventId, locale: resolveLocale(req.user.locale),
      user: { id: req.user.id, name: req.user.name, manager: req.user.manager, organizer: req.user.organizer ?? req.user.manager },
      ...(req.teamId ? { serverId: req.teamId } : {}),
      where: { channelId: req.channelId, ...(req.threadTs ? { threadId: req.threadTs } : {}), ...(req.messageTs ? { messageId: req.messageTs } : {}) },
    });
  }

  protected async send(r: Reply): Promise<void> {
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
    const { threadTs } = this.req;
    const opened = await this.deps.delivery.open({
      jobId: u.jobId, locale: this.locale, first: u, ...(this.server ? { serverId: this.server.id } : {}),
      at: { channel: this.req.channelId, ...(threadTs ? { threadTs } : {}) },
    });
    this.jobs.set(u.jobId, { etaSeconds: u.snapshot.etaSeconds, done: opened.done });
  }

  messageIdOf(link: string): string | undefined {
    return slackMessageTs(link);
  }

  /** A posted clip's permalink (chat.getPermalink); undefined when Slack will not give one (the message is gone). */
  async messageLink(ref: PostedClipRef): Promise<string | undefined> {
    if (!ref.channel || !ref.messageId) return undefined;
    try {
      return (await this.deps.client.chat.getPermalink({ channel: ref.channel, message_ts: ref.messageId })).permalink;
    } catch (err) {
      this.log(`slack: no permalink for ${ref.channel}/${ref.messageId}: ${(err as Error)?.message ?? err}`);
      return undefined;
    }
  }

  importImage(a: Attachment): Promise<string> {
    return importSlackImage(a, { ...this.deps.files, store: this.deps.store, log: this.log });
  }
}
