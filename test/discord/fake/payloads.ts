// Records → Discord's wire JSON (API v10), with the fields discord.js reads when it builds its structures.
import {
  CHANNEL_PUBLIC_THREAD, memberPermissions, type FakeChannel, type FakeGuild, type FakeMessage, type FakeUser,
} from "./state.ts";

const JOINED = "2025-01-01T00:00:00.000Z";

export function userPayload(u: FakeUser) {
  return { id: u.id, username: u.username, discriminator: "0", global_name: u.global_name ?? null, avatar: null, bot: u.bot ?? false };
}

export function memberPayload(guild: FakeGuild, u: FakeUser, withPermissions = false) {
  return {
    user: userPayload(u),
    roles: guild.members.get(u.id) ?? [],
    nick: null, avatar: null, joined_at: JOINED, premium_since: null, deaf: false, mute: false, flags: 0, pending: false,
    ...(withPermissions ? { permissions: String(memberPermissions(guild, u.id)) } : {}),
  };
}

export function channelPayload(c: FakeChannel) {
  if (c.type === CHANNEL_PUBLIC_THREAD) {
    return {
      id: c.id, type: c.type, guild_id: c.guild_id, parent_id: c.parent_id, owner_id: c.owner_id, name: c.name,
      last_message_id: null, message_count: 0, member_count: 1, total_message_sent: 0, rate_limit_per_user: 0, flags: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: JOINED, locked: false, create_timestamp: JOINED },
    };
  }
  return {
    id: c.id, type: c.type, guild_id: c.guild_id, name: c.name, position: 0, permission_overwrites: c.permission_overwrites ?? [], parent_id: null,
    nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0,
  };
}

export function messagePayload(m: FakeMessage, lookup?: (id: string) => FakeMessage | undefined): Record<string, unknown> {
  const ref = m.message_reference && lookup?.(m.message_reference.message_id);
  return {
    id: m.id, channel_id: m.channel_id, ...(m.guild_id ? { guild_id: m.guild_id } : {}),
    author: userPayload(m.author), content: m.content, timestamp: m.timestamp, edited_timestamp: m.edited_timestamp,
    tts: false, mention_everyone: false, mentions: m.mentions.map(userPayload), mention_roles: [],
    attachments: m.attachments, embeds: m.embeds, components: m.components, pinned: false, type: m.type, flags: m.flags,
    ...(m.message_reference ? { message_reference: { type: 0, ...m.message_reference } } : {}),
    ...(ref ? { referenced_message: messagePayload(ref) } : {}),
    ...(m.application_id ? { application_id: m.application_id } : {}),
    ...(m.webhook_id ? { webhook_id: m.webhook_id } : {}),
    ...(m.interaction_metadata
      ? { interaction_metadata: { ...m.interaction_metadata, user: userPayload(m.interaction_metadata.user), authorizing_integration_owners: {} } }
      : {}),
  };
}

export function guildPayload(g: FakeGuild, channels: FakeChannel[], users: Map<string, FakeUser>) {
  const members = [...g.members.keys()].map((id) => users.get(id)).filter((u): u is FakeUser => !!u);
  return {
    id: g.id, name: g.name, icon: null, splash: null, discovery_splash: null, owner_id: g.owner_id, afk_channel_id: null,
    afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0,
    roles: g.roles.map((r, i) => ({
      id: r.id, name: r.name, permissions: r.permissions, position: i, color: 0, hoist: false, managed: false, mentionable: false, flags: 0,
    })),
    emojis: [], stickers: [], features: [], mfa_level: 0, application_id: null, system_channel_id: null, system_channel_flags: 0,
    rules_channel_id: null, vanity_url_code: null, description: null, banner: null, premium_tier: 0, premium_subscription_count: 0,
    preferred_locale: g.preferred_locale, public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false,
    joined_at: JOINED, large: false, unavailable: false, member_count: members.length, voice_states: [], presences: [],
    stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    members: members.map((u) => memberPayload(g, u)),
    channels: channels.filter((c) => c.type !== CHANNEL_PUBLIC_THREAD).map(channelPayload),
    // Active threads arrive with the guild, which is how a restarted bot knows the threads its clips live in.
    threads: channels.filter((c) => c.type === CHANNEL_PUBLIC_THREAD).map(channelPayload),
  };
}
