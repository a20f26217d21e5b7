// Discord's "Copy Message Link": https://discord.com/channels/<server or @me>/<channel>/<message> (also the ptb. and
// canary. clients' hosts, and the older discordapp.com). Commands that name clips take these (commands/clip-refs.ts);
// whether the message's clip may be used here is the kernel's question, not this parser's.
const LINK = /^<?https:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/channels\/(?:\d{1,25}|@me)\/\d{1,25}\/(\d{1,25})\/?>?$/;

/** The message id in a Discord message link; undefined for anything else. */
export function discordMessageId(link: string): string | undefined {
  return LINK.exec(link.trim())?.[1];
}
