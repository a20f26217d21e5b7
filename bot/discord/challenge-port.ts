// Prompt challenges' posts on Discord (bot/core/challenges/port.ts): announcements, entries (the clip uploaded with
// its vote button), results, edits of the live count. Times are Discord timestamps (<t:…>), which every reader's
// client shows in their own language and time zone; people are mentions that notify nobody (allowed_mentions none).
// Every post carries a nonce derived from its key with enforce_nonce, so Discord itself returns the first message for
// a repeated post (for a few minutes); after longer, find() looks for it among the channel's recent messages.
import { createHash } from "node:crypto";
import {
  AttachmentBuilder, ChannelType, PermissionFlagsBits, Routes, SnowflakeUtil, type APIChannel, type Client, type Message, type MessageCreateOptions,
} from "discord.js";
import type { ChallengeMessage } from "../../commands/challenge-text.ts";
import type { ChallengePlace } from "../../commands/challenge-service.ts";
import type { ClipRecord } from "../../engine/store/types.ts";
import { CannotPost, type ChallengePort } from "../core/challenges/port.ts";
import { sendableChannel } from "./channels.ts";
import { buttonRows } from "./components.ts";
import { CONTENT_MAX, DEFAULT_UPLOAD_LIMIT, DISCORD_ERRORS, discordErrorCode } from "./limits.ts";
import type { DiscordPlace } from "./port.ts";
import { truncate } from "../../engine/text.ts";

const QUIET = { parse: [] as [] };

/** Discord nonces are at most 25 characters: a digest of the post's key. */
function nonceOf(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 25);
}

/** The answers that mean the channel takes no posts from the bot, whatever we retry. */
const REFUSED: readonly number[] = [DISCORD_ERRORS.unknownChannel, DISCORD_ERRORS.missingAccess, DISCORD_ERRORS.missingPermissions];

/** What the bot needs in a challenge's channel: see it, and send messages there. */
const NEEDED = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages];

/** Messages looked through for an earlier attempt's post. */
const FIND_LIMIT = 50;

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
    if (!ch || ch.guildId !== place.serverId) throw new CannotPost(place.channelId, "no such channel in this server");
    return ch;
  }

  /**
   * A text or announcement channel of the challenge's server (not a thread, not another server's) where the bot may
   * see and send messages, as its roles and the channel's overwrites say. The channel is asked of Discord itself: a
   * channel option's resolved data, cached from the interaction, is taken as of the asker's server whatever it is.
   */
  async canPost(place: ChallengePlace): Promise<boolean> {
    const data = (await this.client.rest.get(Routes.channel(place.channelId)).catch(() => null)) as APIChannel | null;
    if (!data || !("guild_id" in data) || data.guild_id !== place.serverId) return false;
    if (data.type !== ChannelType.GuildText && data.type !== ChannelType.GuildAnnouncement) return false;
    const guild = this.client.guilds.cache.get(place.serverId);
    const ch = guild?.channels.cache.get(place.channelId);
    const me = guild?.members.me;
    // Without the channel or the bot's own member at hand, the post itself tells (CannotPost).
    const perms = ch && me && "permissionsFor" in ch ? ch.permissionsFor(me) : null;
    return !perms || perms.has(NEEDED);
  }

  private async send(place: ChallengePlace, body: MessageCreateOptions): Promise<string> {
    const ch = await this.channel(place);
    try {
      return (await ch.send(body)).id;
    } catch (err) {
      const code = discordErrorCode(err);
      if (code !== undefined && REFUSED.includes(code)) throw new CannotPost(place.channelId, (err as Error).message);
      throw err;
    }
  }

  async post(place: ChallengePlace, m: ChallengeMessage, key: string): Promise<string> {
    return this.send(place, {
      content: truncate(m.text, CONTENT_MAX), components: buttonRows(m.buttons), allowedMentions: QUIET, nonce: nonceOf(key), enforceNonce: true,
    });
  }

  async postEntry(place: ChallengePlace, m: ChallengeMessage, clip: ClipRecord, video: Buffer | undefined, key: string): Promise<string> {
    const limit = this.uploadLimit(place.serverId) ?? DEFAULT_UPLOAD_LIMIT;
    const files = video && video.length <= limit ? [new AttachmentBuilder(video, { name: `${clip.id}.mp4` })] : [];
    return this.send(place, {
      content: truncate(m.text, CONTENT_MAX), components: buttonRows(m.buttons), files, allowedMentions: QUIET, nonce: nonceOf(key), enforceNonce: true,
    });
  }

  /** The bot's message since `since` with this post's text, or with one of its buttons (an entry's vote button). */
  async find(place: ChallengePlace, m: ChallengeMessage, since: number): Promise<string | undefined> {
    const ch = await this.channel(place);
    const after = SnowflakeUtil.generate({ timestamp: Math.max(since, Number(SnowflakeUtil.epoch)) }).toString();
    const recent = await ch.messages.fetch({ after, limit: FIND_LIMIT, cache: false });
    const text = truncate(m.text, CONTENT_MAX);
    const ids = new Set(m.buttons.map((b) => b.id));
    const mine = (msg: Message) => msg.author.id === this.client.user?.id;
    const hasButton = (msg: Message) => msg.components.some((row) => "components" in row && row.components.some((c) => "customId" in c && !!c.customId && ids.has(c.customId)));
    const hit = [...recent.values()].find((msg) => mine(msg) && (ids.size ? hasButton(msg) : msg.content === text));
    return hit?.id;
  }

  async edit(place: ChallengePlace, messageId: string, m: ChallengeMessage): Promise<void> {
    const ch = await this.channel(place);
    await ch.messages.edit(messageId, { content: truncate(m.text, CONTENT_MAX), components: buttonRows(m.buttons), allowedMentions: QUIET });
  }

  reelPlace(place: ChallengePlace): DiscordPlace {
    return { progress: { channelId: place.channelId }, uploadLimit: this.uploadLimit(place.serverId) ?? DEFAULT_UPLOAD_LIMIT };
  }
}
