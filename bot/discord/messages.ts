// Messages → commands/reply.ts: a reply to a clip, or a plain message in a clip's thread, continues that clip.
// Only replies and thread messages are looked at (nothing else can name a clip), the bot's own and other bots'
// messages never. Without the Message Content intent Discord sends text only where the bot is mentioned (a reply
// that pings it counts), so the mention is stripped from the prompt.
import { PermissionFlagsBits, type Message } from "discord.js";
import { handleReply } from "../../commands/reply.ts";
import type { Attachment } from "../../commands/context.ts";
import { DiscordContext, type DiscordDeps } from "./context.ts";
import { DEFAULT_UPLOAD_LIMIT } from "./limits.ts";
import { MessageResponder } from "./responders.ts";

export function stripMention(text: string, botId: string): string {
  return text.replace(new RegExp(`<@!?${botId}>`, "g"), " ").replace(/\s+/g, " ").trim();
}

export async function onMessage(deps: DiscordDeps, m: Message): Promise<void> {
  if (m.author.bot || m.system || !m.inGuild()) return;
  const inThread = m.channel.isThread();
  const replyTo = m.reference?.messageId;
  if (!inThread && !replyTo) return;
  const text = stripMention(m.content, deps.client.user?.id ?? "");
  const attachments: Attachment[] = m.attachments.map((a) => ({ url: a.url, name: a.name, contentType: a.contentType ?? undefined, size: a.size }));
  if (!text && attachments.length === 0) return;
  const ctx = new DiscordContext(deps, {
    eventId: m.id,
    locale: deps.userLocales.get(m.author.id) ?? m.guild.preferredLocale,
    user: { id: m.author.id, name: m.author.username, manager: !!m.member?.permissions.has(PermissionFlagsBits.ManageMessages) },
    serverId: m.guildId,
    where: inThread ? { channelId: m.channel.parentId ?? undefined, threadId: m.channelId, messageId: m.id } : { channelId: m.channelId, messageId: m.id },
    uploadLimit: deps.uploadLimits.get(m.guildId) ?? DEFAULT_UPLOAD_LIMIT,
  }, new MessageResponder(deps.client, m, deps.log));
  await handleReply(ctx, { text, attachments, replyToMessageId: replyTo, threadId: inThread ? m.channelId : undefined });
}
