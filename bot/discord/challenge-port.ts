// Prompt challenges' posts on Discord (bot/core/challenges/port.ts): announcements, entries (the clip uploaded with
// its vote button), results, edits of the live count. Times are Discord timestamps (<t:…>), which every reader's
// client shows in their own language and time zone; people are mentions that notify nobody (allowed_mentions none).
import { AttachmentBuilder, type Client } from "discord.js";
import type { ChallengeMessage } from "../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../commands/challenge-service.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import type { ChallengePort } from "../core/challenges/port.ts";
import { sendableChannel } from "./channels.ts";
import { buttonRows } from "./components.ts";
import { CONTENT_MAX, DEFAULT_UPLOAD_LIMIT } from "./limits.ts";
import type { DiscordPlace } from "./port.ts";
import { truncate } from "../../engine/text.ts";

const QUIET = { parse: [] as [] };

export class DiscordChallengePort implements ChallengePort<DiscordPlace> {
  readonly platform = "discord" as const;
  readonly uploads = true;

  constructor(private readonly client: Client, private readonly uploadLimit: (serverId: string) => number | undefined) {}

  time(ms: number): string {
    const s = Math.floor(ms / 1000);
    return `<t:${s}:f> (<t:${s}:R>)`;
  }

  mention(userId: string): string {
    return /^\d{1,25}$/.test(userId) ? `<@${userId}>` : "?";
  }

  private async channel(place: ChallengePlace) {
    const ch = await sendableChannel(this.client, place.channelId);
    if (!ch) throw new Error(`discord: cannot post in channel ${place.channelId}`);
    return ch;
  }

  async post(place: ChallengePlace, m: ChallengeMessage): Promise<string> {
    const ch = await this.channel(place);
    return (await ch.send({ content: truncate(m.text, CONTENT_MAX), components: buttonRows(m.buttons), allowedMentions: QUIET })).id;
  }

  async postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, video: Buffer | undefined): Promise<string> {
    const ch = await this.channel(place);
    const limit = this.uploadLimit(place.serverId) ?? DEFAULT_UPLOAD_LIMIT;
    const files = video && video.length <= limit ? [new AttachmentBuilder(video, { name: `${clip.id}.mp4` })] : [];
    return (await ch.send({ content: truncate(m.text, CONTENT_MAX), components: buttonRows(m.buttons), files, allowedMentions: QUIET })).id;
  }

  async edit(place: ChallengePlace, messageId: string, m: ChallengeMessage): Promise<void> {
    const ch = await this.channel(place);
    await ch.messages.edit(messageId, { content: truncate(m.text, CONTENT_MAX), components: buttonRows(m.buttons), allowedMentions: QUIET });
  }

  reelPlace(place: ChallengePlace): DiscordPlace {
    return { progress: { channelId: place.channelId }, uploadLimit: this.uploadLimit(place.serverId) ?? DEFAULT_UPLOAD_LIMIT };
  }
}
