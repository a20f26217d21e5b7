// One Discord event (slash command, button, modal, context menu, or a message in a clip's thread) as the neutral
// CommandContext that commands/ handlers are written against.
import type { Client } from "discord.js";
import type { ClipPost, CommandContext, CommandUser, JobProducer, ProgressUpdate, Reply } from "../../commands/context.ts";
import type { ClipStore } from "../../engine/store/types.ts";
import { progressButtons } from "../core/buttons.ts";
import type { ClipLookup } from "../core/clips.ts";
import type { Blocklist } from "../core/moderation.ts";
import type { Attachment } from "../core/replies.ts";
import type { LostJobs } from "../core/lost-jobs.ts";
import type { ServerDefaults } from "../core/server-defaults.ts";
import { importImage } from "./attachments.ts";
import { buttonRows } from "./components.ts";
import type { DiscordJobs } from "./jobs.ts";
import { CONTENT_MAX, truncate } from "./limits.ts";
import { postClip } from "./post-clip.ts";
import type { ProgressMessage } from "./progress-message.ts";
import type { Responder } from "./responders.ts";

/** What every event handler of the adapter shares. */
export interface AdapterDeps {
  client: Client;
  producer: JobProducer;
  store: ClipStore;
  blocklist: Blocklist;
  model: string;
  log: (line: string) => void;
  jobs: DiscordJobs;
  cdnHosts: readonly string[];
  maxImageBytes: number;
  deferAfterMs: number;
  publicBaseUrl?: string;
  /** Upload limit last reported per server (interaction.attachmentSizeLimit); messages carry none. */
  uploadLimits: Map<string, number>;
  /** Each person's locale as their last interaction reported it; messages carry none. */
  userLocales: Map<string, string>;
  /** Per-server /defaults; without it /defaults answers that it is unavailable. */
  defaults?: ServerDefaults;
  /** Requests the queue lost, kept for the Retry button (bot/core/lost-jobs.ts). */
  lostJobs?: LostJobs;
}

export interface EventInfo {
  eventId: string;
  locale: string;
  user: CommandUser;
  serverId?: string;
  where: { channelId?: string; threadId?: string; messageId?: string };
  uploadLimit: number;
}

/** The store as commands read it: always Discord's own message and thread ids. */
export function clipLookup(store: ClipStore): ClipLookup {
  return {
    getClip: (id) => store.getClip(id),
    clipForMessage: (_p, id) => store.clipForMessage("discord", id),
    latestInThread: (_p, id) => store.latestInThread("discord", id),
    deleteClip: (id, by) => store.deleteClip(id, by),
  };
}

export class DiscordContext implements CommandContext {
  readonly platform = "discord" as const;
  readonly eventId: string;
  readonly locale: string;
  readonly user: CommandUser;
  readonly server?: { id: string };
  readonly where: EventInfo["where"];
  readonly producer: JobProducer;
  readonly clips: ClipLookup;
  readonly blocklist: Blocklist;
  readonly model: string;
  readonly log: (line: string) => void;
  readonly defaults?: ServerDefaults;
  readonly lostJobs?: LostJobs;
  /** Everything answered, in order: the adapter reacts to some outcomes (a deleted clip's message goes too). */
  readonly replies: Reply[] = [];
  private readonly progressMessages = new Map<string, ProgressMessage>();

  constructor(private readonly deps: AdapterDeps, private readonly info: EventInfo, private readonly responder: Responder) {
    this.eventId = info.eventId;
    this.locale = info.locale;
    this.user = info.user;
    if (info.serverId) this.server = { id: info.serverId };
    this.where = info.where;
    this.producer = deps.producer;
    this.clips = clipLookup(deps.store);
    this.blocklist = deps.blocklist;
    this.model = deps.model;
    this.log = deps.log;
    if (deps.defaults) this.defaults = deps.defaults;
    if (deps.lostJobs) this.lostJobs = deps.lostJobs;
  }

  async reply(r: Reply): Promise<void> {
    this.replies.push(r);
    await this.responder.reply(r);
  }

  async progress(u: ProgressUpdate): Promise<void> {
    const components = buttonRows(progressButtons(u.snapshot.state, u.jobId, this.locale));
    const known = this.progressMessages.get(u.jobId);
    if (known) return known.edit({ content: truncate(u.text, CONTENT_MAX), components });
    const channelId = this.where.threadId ?? this.where.channelId;
    if (channelId) await this.deps.jobs.reserve(u.jobId, channelId, this.locale, this.info.uploadLimit, this.info.serverId);
    let message: ProgressMessage;
    try {
      message = await this.responder.progress(u.text, components);
    } catch (err) {
      if (channelId) await this.deps.jobs.unreserve(u.jobId);
      throw err;
    }
    this.progressMessages.set(u.jobId, message);
    void this.deps.jobs.track(u.jobId, message, this.locale, this.info.uploadLimit, this.info.serverId);
  }

  /** Handlers post through progress + the follower; this is for a clip that is ready at once. */
  async postClip(post: ClipPost): Promise<void> {
    const clip = await this.deps.store.getClip(post.clip.id);
    const channelId = this.where.threadId ?? this.where.channelId;
    if (!clip || !channelId) throw new Error(`cannot post clip ${post.clip.id} here`);
    await postClip(this.deps, clip, post, { channelId, uploadLimit: this.info.uploadLimit });
  }

  importImage(a: Attachment): Promise<string> {
    return importImage(a, { cdnHosts: this.deps.cdnHosts, maxBytes: this.deps.maxImageBytes, store: this.deps.store, log: this.deps.log });
  }
}
