// Discord's side of the delivery protocol (bot/core/delivery.ts). A progress message is edited through the
// interaction's token while this process holds it, else through the channel (progress-message.ts). A finished clip
// goes into a thread started from the progress message (or the thread the request came from), as an MP4 the kernel
// fitted to the server's upload limit, else the link line — also when Discord refuses the file after all — with a
// compact embed and the buttons.
import { createHash } from "node:crypto";
import { EmbedBuilder, type Client, type GuildTextBasedChannel, type Message, type SendableChannels } from "discord.js";
import type { ClipPost } from "../../commands/context.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import type { DeliveryRecord } from "../core/deliveries.ts";
import type { Capabilities, ChatPort, ClipShow, JobPlace, PostedClip, ProgressShow } from "../core/delivery.ts";
import { sendableChannel, type MessageRef } from "./channels.ts";
import { buttonRows } from "./components.ts";
import { CONTENT_MAX, DISCORD_ERRORS, discordErrorCode, THREAD_NAME_MAX } from "./limits.ts";
import { truncate } from "../../engine/text.ts";
import { ProgressMessage, type ProgressEdit, type ProgressPlace } from "./progress-message.ts";

type Channel = SendableChannels & GuildTextBasedChannel;

/**
 * What a Discord delivery remembers: the progress message to edit on (only its channel while the message is being
 * posted), and the upload limit of its server.
 */
export interface DiscordPlace {
  progress: ProgressPlace;
  uploadLimit: number;
}

/** Discord blurple: the clip embed's colour. */
const EMBED_COLOR = 0x5865f2;

export function clipEmbed(clip: ClipRecord, post: ClipPost): EmbedBuilder {
  const [title, ...lines] = post.caption.split("\n");
  const embed = new EmbedBuilder().setColor(EMBED_COLOR).setTitle(truncate(title, 256)).setFooter({ text: clip.id });
  if (lines.length) embed.setDescription(truncate(lines.join("\n"), 4096));
  return embed;
}

/** Discord nonces are at most 25 characters: a digest of the clip id. */
function clipNonce(clipId: string): string {
  return createHash("sha256").update(clipId).digest("base64url").slice(0, 25);
}

export class DiscordPort implements ChatPort<DiscordPlace, MessageRef> {
  readonly platform = "discord" as const;
  readonly can: Capabilities = { uploads: true, buttons: true, threads: true, previews: true };
  /** Progress messages this process posted as an interaction's answer: edited through its token while it lasts. */
  private readonly live = new Map<string, ProgressMessage>();

  constructor(
    private readonly client: Client,
    private readonly store: Pick<ClipStore, "readBlob">,
    private readonly log: (line: string) => void,
  ) {}

  /** The job's progress message was posted as an interaction's answer (InteractionResponder.progress). */
  answered(jobId: string, message: ProgressMessage): DiscordPlace["progress"] {
    this.live.set(jobId, message);
    return message.ref;
  }

  release(jobId: string): void {
    this.live.delete(jobId);
  }

  messageOf(place: DiscordPlace): string | undefined {
    return place.progress.messageId;
  }

  uploadLimit(place: DiscordPlace): number {
    return place.uploadLimit;
  }

  /** Jobs of servers this process serves (with sharding: its shards' guilds; DMs belong to shard 0). */
  serves(d: DeliveryRecord<DiscordPlace>): boolean {
    return d.serverId ? this.client.guilds.cache.has(d.serverId) : (this.client.shard?.ids.includes(0) ?? true);
  }

  postProgress(job: JobPlace<DiscordPlace>, show: ProgressShow): Promise<DiscordPlace> {
    return this.editProgress(job, show);
  }

  async editProgress(job: JobPlace<DiscordPlace>, show: ProgressShow): Promise<DiscordPlace> {
    // A job taken over has no token: the same message, edited through the channel (posted there when it has none).
    const message = this.live.get(job.jobId) ?? new ProgressMessage(this.client, job.place.progress, undefined, this.log);
    const edit: ProgressEdit = { content: truncate(show.text, CONTENT_MAX), components: buttonRows(show.buttons) };
    if (show.clearPreview) edit.attachments = [];
    else if (show.preview) {
      const ext = /\.(\w+)$/.exec(show.preview)?.[1] ?? "webp";
      edit.files = [{ attachment: await this.store.readBlob(show.preview), name: `preview.${ext}` }];
      edit.attachments = [];
    }
    await message.edit(edit);
    return { ...job.place, progress: message.ref };
  }

  async postClip(job: JobPlace<DiscordPlace>, show: ClipShow): Promise<PostedClip> {
    const { clip, post, video, link } = show;
    const near = job.place.progress.messageId ? { channelId: job.place.progress.channelId, messageId: job.place.progress.messageId } : undefined;
    const channel = near ? await this.threadFor(near, clip.prompt || clip.expandedPrompt || clip.id) : await sendableChannel(this.client, job.place.progress.channelId);
    if (!channel) throw new Error(`no channel to post clip ${clip.id} in`);
    const base = {
      embeds: [clipEmbed(clip, post)], components: buttonRows(post.buttons), allowedMentions: { parse: [] as [] },
      // A retried post (the first one's answer lost in an outage) returns the message already sent, not a second one.
      nonce: clipNonce(clip.id), enforceNonce: true,
    };
    let message: Message;
    try {
      message = video
        ? await channel.send({ ...base, files: [{ attachment: video, name: `sora-${clip.id}.mp4` }] })
        : await channel.send({ ...base, content: link });
    } catch (err) {
      // The limit we were told was wrong (boost removed meanwhile): the link still gets the clip to people.
      if (!video || discordErrorCode(err) !== DISCORD_ERRORS.entityTooLarge) throw err;
      message = await channel.send({ ...base, content: link });
    }
    return { messages: [message.id], thread: message.channelId, url: message.url };
  }

  async removeClip(message: MessageRef): Promise<void> {
    const channel = await sendableChannel(this.client, message.channelId);
    if (!channel) throw new Error(`channel ${message.channelId} is not reachable`);
    await channel.messages.delete(message.messageId);
  }

  private async threadFor(near: MessageRef, name: string): Promise<Channel | undefined> {
    const channel = await sendableChannel(this.client, near.channelId);
    if (!channel) return undefined;
    if (channel.isThread()) return channel;
    if (!("threads" in channel)) return channel;
    try {
      return (await channel.threads.create({ startMessage: near.messageId, name: truncate(name, THREAD_NAME_MAX) })) as Channel;
    } catch (err) {
      // Already started (a retried post): a thread from a message has the message's id.
      if (discordErrorCode(err) === DISCORD_ERRORS.threadAlreadyCreated) return (await sendableChannel(this.client, near.messageId)) ?? channel;
      this.log(`discord: could not start a thread in ${channel.id}, posting in the channel: ${(err as Error).message}`);
      return channel;
    }
  }
}
