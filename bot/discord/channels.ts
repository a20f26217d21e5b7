// Finding a channel to talk in by id: from discord.js's cache (filled by the gateway, threads included), else over
// REST. Returns only channels the bot can send to.
import type { Client, GuildTextBasedChannel, SendableChannels } from "discord.js";

export interface MessageRef {
  channelId: string;
  messageId: string;
}

export async function sendableChannel(client: Client, id: string): Promise<(SendableChannels & GuildTextBasedChannel) | undefined> {
  const ch = client.channels.cache.get(id) ?? (await client.channels.fetch(id).catch(() => null));
  if (!ch || !ch.isSendable() || !("guildId" in ch)) return undefined;
  return ch as SendableChannels & GuildTextBasedChannel;
}
