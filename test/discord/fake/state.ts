// What the fake Discord remembers: guilds, channels (threads included), messages with their files, interactions and
// their tokens. Plain records shaped like Discord's own objects, so payloads.ts can turn them into wire JSON.

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  /** Permission bitfield as Discord sends it: a decimal string. */
  permissions: string;
}

export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  preferred_locale: string;
  /** The upload limit interactions report (attachment_size_limit) and channel posts enforce (413 above it). */
  uploadLimit: number;
  /** What interactions report as attachment_size_limit, when it should differ from what posts enforce. */
  reportedUploadLimit?: number;
  roles: FakeRole[];
  /** user id → role ids (the @everyone role is implied). */
  members: Map<string, string[]>;
}

export const CHANNEL_TEXT = 0;
export const CHANNEL_ANNOUNCEMENT = 5;
export const CHANNEL_PUBLIC_THREAD = 11;

/** A channel's permission overwrite, as Discord sends it (type 0: a role, 1: a member; bitfields as decimal strings). */
export interface FakeOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  parent_id?: string;
  owner_id?: string;
  permission_overwrites?: FakeOverwrite[];
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  content_type?: string;
  url: string;
  proxy_url: string;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: FakeAttachment[];
  flags: number;
  /** 0 default, 19 reply, 20 chat input command, 23 context menu command. */
  type: number;
  timestamp: string;
  edited_timestamp: string | null;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string };
  mentions: FakeUser[];
  application_id?: string;
  webhook_id?: string;
  interaction_metadata?: { id: string; type: number; user: FakeUser };
  deleted?: boolean;
  /** The nonce it was sent with (enforce_nonce deduplicates by it). */
  nonce?: string;
  /** Every version of the content, oldest first: tests read the progress edits from here. */
  history: string[];
}

export const MESSAGE_FLAG_EPHEMERAL = 1 << 6;
export const MESSAGE_FLAG_LOADING = 1 << 7;

export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  guild_id: string;
  channel_id: string;
  user: FakeUser;
  locale: string;
  createdAt: number;
  /** The wire payload dispatched in INTERACTION_CREATE. */
  payload: Record<string, unknown>;
  /** Callback type once acknowledged (4 reply, 5 defer, 6 deferred update, 7 update, 9 modal). */
  callbackType?: number;
  callbackAt?: number;
  originalId?: string;
  /** The message a component interaction was pressed on. */
  sourceMessageId?: string;
  modal?: { custom_id: string; title: string; components: unknown[] };
  followupIds: string[];
  /** The test expired the token (Discord's 15 minutes, without waiting them). */
  expired?: boolean;
}

/** Permission bits the fake knows (Discord's values). */
export const PERMISSIONS = {
  ADMINISTRATOR: 1n << 3n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
} as const;

export const MEMBER_PERMISSIONS =
  PERMISSIONS.VIEW_CHANNEL | PERMISSIONS.SEND_MESSAGES | PERMISSIONS.EMBED_LINKS | PERMISSIONS.ATTACH_FILES |
  PERMISSIONS.READ_MESSAGE_HISTORY | PERMISSIONS.USE_APPLICATION_COMMANDS | PERMISSIONS.CREATE_PUBLIC_THREADS |
  PERMISSIONS.SEND_MESSAGES_IN_THREADS;

export function memberPermissions(guild: FakeGuild, userId: string): bigint {
  if (guild.owner_id === userId) return (1n << 50n) - 1n;
  const roles = [guild.id, ...(guild.members.get(userId) ?? [])];
  return guild.roles.filter((r) => roles.includes(r.id)).reduce((acc, r) => acc | BigInt(r.permissions), 0n);
}

/** A member's permissions in a channel: the guild's, then @everyone's, the roles' and the member's overwrites. */
export function channelPermissions(guild: FakeGuild, channel: FakeChannel, userId: string): bigint {
  let p = memberPermissions(guild, userId);
  if (guild.owner_id === userId || (p & PERMISSIONS.ADMINISTRATOR) !== 0n) return p;
  const ows = channel.permission_overwrites ?? [];
  const roles = guild.members.get(userId) ?? [];
  const apply = (o: FakeOverwrite | undefined) => {
    if (o) p = (p & ~BigInt(o.deny)) | BigInt(o.allow);
  };
  apply(ows.find((o) => o.type === 0 && o.id === guild.id));
  let allow = 0n;
  let deny = 0n;
  for (const o of ows.filter((x) => x.type === 0 && x.id !== guild.id && roles.includes(x.id))) {
    allow |= BigInt(o.allow);
    deny |= BigInt(o.deny);
  }
  p = (p & ~deny) | allow;
  apply(ows.find((o) => o.type === 1 && o.id === userId));
  return p;
}
