// Discord's numbers the adapter plans around, in one place (docs: interactions, message resource, rate limits).

/** Upload limit when Discord does not tell us (interaction.attachmentSizeLimit does): 10 MiB for an unboosted server. */
export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** An interaction's first response must come within 3 s; past this we defer and finish later. */
export const DEFER_AFTER_MS = 1500;

/**
 * Interaction tokens (editReply, followUp) last 15 minutes. A minute early we stop using them and edit or post
 * ordinary channel messages instead, so a long queue never ends in a lost result.
 */
export const TOKEN_SAFE_MS = 14 * 60 * 1000;

/** Discord's file hosts: attachments are fetched from nowhere else. */
export const CDN_HOSTS: readonly string[] = ["cdn.discordapp.com", "media.discordapp.net"];

/** Thread names are capped at 100 characters. */
export const THREAD_NAME_MAX = 100;

/** Message content is capped at 2000 characters. */
export const CONTENT_MAX = 2000;

/** Buttons per action row. */
export const BUTTONS_PER_ROW = 5;

/** Error codes we act on. */
export const DISCORD_ERRORS = {
  unknownMessage: 10008,
  unknownWebhook: 10015,
  unknownInteraction: 10062,
  invalidWebhookToken: 50027,
  entityTooLarge: 40005,
  threadAlreadyCreated: 160004,
  unknownChannel: 10003,
  missingAccess: 50001,
  missingPermissions: 50013,
} as const;

/** The code of a discord.js DiscordAPIError (or undefined for anything else). */
export function discordErrorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

export function discordErrorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** The interaction token is gone (expired or never valid): switch to channel messages. */
export function isTokenGone(err: unknown): boolean {
  const code = discordErrorCode(err);
  return code === DISCORD_ERRORS.invalidWebhookToken || code === DISCORD_ERRORS.unknownWebhook || discordErrorStatus(err) === 401;
}
