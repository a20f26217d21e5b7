// One Discord event (slash command, button, modal, context menu, or a message in a clip's thread) as the neutral
// CommandContext that commands/ handlers are written against. Answers go through the event's Responder; a job's
// first progress message is the interaction's answer (or a reply to the message), and the Delivery follows it.
import type { Client } from "discord.js";
import type { Attachment, ChannelRefs, ProgressUpdate, Reply } from "../../commands/context.ts";
import type { ClipStore } from "../../engine/store/types.ts";
import { BotContext, type BotEvent, type BotServices } from "../core/context.ts";
import type { Delivery } from "../core/delivery.ts";
import { importRemoteImage } from "../core/remote-image.ts";
import type { MessageRef } from "./channels.ts";
import { buttonRows } from "./components.ts";
import { discordMessageId } from "./message-links.ts";
import type { DiscordPlace, DiscordPort } from "./port.ts";
import type { Responder } from "./responders.ts";

/** What every event handler of the adapter shares. */
export interface DiscordDeps extends BotServices {
  client: Client;
  store: ClipStore;
  delivery: Delivery<DiscordPlace, MessageRef>;
  port: DiscordPort;
  cdnHosts: readonly string[];
  maxImageBytes: number;
  deferAfterMs: number;
  /** Upload limit last reported per server (interaction.attachmentSizeLimit); messages carry none. */
  uploadLimits: Map<string, number>;
  /** Each person's locale as their last interaction reported it; messages carry none. */
  userLocales: Map<string, string>;
  /** Role ids whose members may run prompt challenges besides Manage Server (DISCORD_CHALLENGE_ROLES). */
  challengeRoles: readonly string[];
}

export interface DiscordEvent extends BotEvent {
  uploadLimit: number;
}

/** Discord's channel mention, <#id>: how the adapter passes a channel option on (interactions.ts readOptions). */
export const DISCORD_CHANNELS: ChannelRefs = {
  parse: (ref) => /^<#(\d{17,20})>$/.exec(ref.trim())?.[1],
  mention: (id) => (/^\d{17,20}$/.test(id) ? `<#${id}>` : "#?"),
};

export class DiscordContext extends BotContext {
  readonly platform = "discord" as const;
  readonly channels = DISCORD_CHANNELS;
  private readonly opened = new Set<string>();

  constructor(private readonly deps: DiscordDeps, private readonly event: DiscordEvent, private readonly responder: Responder) {
    super(deps, event);
  }

  protected send(r: Reply): Promise<void> {
    return this.responder.reply(r);
  }

  async progress(u: ProgressUpdate): Promise<void> {
    if (this.opened.has(u.jobId)) return;
    this.opened.add(u.jobId);
    const { uploadLimit, serverId } = this.event;
    const channelId = this.where.threadId ?? this.where.channelId;
    await this.deps.delivery.open({
      jobId: u.jobId, locale: this.locale, first: u, ...(serverId ? { serverId } : {}),
      ...(channelId ? { at: { progress: { channelId }, uploadLimit } } : {}),
      post: async (show) => {
        const message = await this.responder.progress(show.text, buttonRows(show.buttons));
        return { progress: this.deps.port.answered(u.jobId, message), uploadLimit };
      },
    });
  }

  messageIdOf(link: string): string | undefined {
    return discordMessageId(link);
  }

  importImage(a: Attachment): Promise<string> {
    // Only from Discord's own CDN hosts; the careful fetch itself is the kernel's.
    return importRemoteImage(a, { hosts: this.deps.cdnHosts, maxBytes: this.deps.maxImageBytes, store: this.deps.store, platform: "discord", log: this.log });
  }
}
