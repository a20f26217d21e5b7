// Posting a finished clip: into a thread (started from the progress message when the request came from a channel,
// the same thread when it came from inside one), as an MP4 that fits the upload limit (re-encoded if needed, else a
// link to our own HTTP server), with a compact embed and the buttons. Every message that shows the clip is linked in
// the store, so a reply to it — or a message in its thread — continues this clip.
import { createHash } from "node:crypto";
import { EmbedBuilder, type Client, type GuildTextBasedChannel, type Message, type SendableChannels } from "discord.js";
import type { ClipPost } from "../../commands/context.ts";
import type { ClipRecord, ClipStore } from "../../engine/store/types.ts";
import { t } from "../core/i18n.ts";
import { sendableChannel, type MessageRef } from "./channels.ts";
import { buttonRows } from "./components.ts";
import { fitVideo } from "../../engine/video/index.ts";
import { DISCORD_ERRORS, discordErrorCode, THREAD_NAME_MAX, truncate } from "./limits.ts";

type Channel = SendableChannels & GuildTextBasedChannel;

export interface PostDeps {
  client: Client;
  store: Pick<ClipStore, "readBlob" | "linkMessage">;
  publicBaseUrl?: string;
  log: (line: string) => void;
}

export interface PostTarget {
  /** The job's progress message: the thread starts from it, or it sits in the thread already. */
  near?: MessageRef;
  /** Without a progress message (a job followed after a restart): the origin's thread or channel. */
  channelId?: string;
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

/**
 * Our HTTP server's address for a clip's video: the base (PUBLIC_URL + "/blobs", where the playground's server
 * serves store blobs) and the video's blob key, e.g. https://host/blobs/clips/<id>/video.mp4.
 */
export function clipUrl(base: string, clip: Pick<ClipRecord, "files">): string {
  return `${base.replace(/\/+$/, "")}/${clip.files.video.split("/").map(encodeURIComponent).join("/")}`;
}

async function threadFor(deps: PostDeps, near: MessageRef, name: string): Promise<Channel | undefined> {
  const channel = await sendableChannel(deps.client, near.channelId);
  if (!channel) return undefined;
  if (channel.isThread()) return channel;
  if (!("threads" in channel)) return channel;
  try {
    return (await channel.threads.create({ startMessage: near.messageId, name: truncate(name, THREAD_NAME_MAX) })) as Channel;
  } catch (err) {
    // Already started (a retried post): a thread from a message has the message's id.
    if (discordErrorCode(err) === DISCORD_ERRORS.threadAlreadyCreated) return (await sendableChannel(deps.client, near.messageId)) ?? channel;
    deps.log(`discord: could not start a thread in ${channel.id}, posting in the channel: ${(err as Error).message}`);
    return channel;
  }
}

async function videoFile(deps: PostDeps, clip: ClipRecord, limit: number): Promise<Buffer | undefined> {
  const data = await deps.store.readBlob(clip.files.video);
  try {
    return await fitVideo(data, limit);
  } catch (err) {
    deps.log(`discord: re-encoding clip ${clip.id} to fit ${limit} bytes failed: ${(err as Error).message}`);
    return undefined;
  }
}

function tooLargeLine(deps: PostDeps, clip: ClipRecord): string {
  const locale = clip.origin.locale;
  return deps.publicBaseUrl ? t(locale, "clip.tooLargeLink", { url: clipUrl(deps.publicBaseUrl, clip) }) : t(locale, "clip.tooLarge");
}

/** Discord nonces are at most 25 characters: a digest of the clip id. */
function clipNonce(clipId: string): string {
  return createHash("sha256").update(clipId).digest("base64url").slice(0, 25);
}

export async function postClip(deps: PostDeps, clip: ClipRecord, post: ClipPost, target: PostTarget): Promise<Message> {
  const threadName = clip.prompt || clip.expandedPrompt || clip.id;
  const channel = target.near ? await threadFor(deps, target.near, threadName) : target.channelId ? await sendableChannel(deps.client, target.channelId) : undefined;
  if (!channel) throw new Error(`no channel to post clip ${clip.id} in`);
  const video = await videoFile(deps, clip, target.uploadLimit);
  const base = {
    embeds: [clipEmbed(clip, post)], components: buttonRows(post.buttons), allowedMentions: { parse: [] as [] },
    // A retried post (the first one's answer lost in an outage) returns the message already sent, not a second one.
    nonce: clipNonce(clip.id), enforceNonce: true,
  };
  let message: Message;
  try {
    message = video
      ? await channel.send({ ...base, files: [{ attachment: video, name: `sora-${clip.id}.mp4` }] })
      : await channel.send({ ...base, content: tooLargeLine(deps, clip) });
  } catch (err) {
    // The limit we were told was wrong (boost removed meanwhile): the link still gets the clip to people.
    if (!video || discordErrorCode(err) !== DISCORD_ERRORS.entityTooLarge) throw err;
    message = await channel.send({ ...base, content: tooLargeLine(deps, clip) });
  }
  await deps.store.linkMessage("discord", message.id, clip.id);
  if (target.near) await deps.store.linkMessage("discord", target.near.messageId, clip.id);
  return message;
}
