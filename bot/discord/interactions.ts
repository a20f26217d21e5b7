// Interactions → commands/: slash commands by their stable English name, the two message context menus, the buttons
// under clips and progress messages (state in custom_id), and the remix modal.
import {
  PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction,
  type MessageContextMenuCommandInteraction, type ModalSubmitInteraction, type RepliableInteraction,
} from "discord.js";
import { COMMANDS, handleButton } from "../../commands/index.ts";
import { SUBCOMMAND_ARG, type Args, type CommandDef, type OptionDef } from "../../commands/definition.ts";
import { say } from "../../commands/respond.ts";
import { decodeButtonId } from "../../commands/buttons.ts";
import { t } from "../../commands/i18n.ts";
import { remixModalBuilder } from "./components.ts";
import { DiscordContext, type DiscordDeps } from "./context.ts";
import { DEFAULT_UPLOAD_LIMIT } from "./limits.ts";
import { InteractionResponder } from "./responders.ts";

/** Context-menu commands are registered under these English names (localized for display). */
export const CONTEXT_MENUS = { extend: t("en", "contextMenus.extend"), remix: t("en", "contextMenus.remix") } as const;

function where(i: RepliableInteraction, messageId?: string) {
  const ch = i.channel;
  const inThread = !!ch?.isThread();
  return {
    ...(inThread ? { channelId: ch!.parentId ?? undefined, threadId: ch!.id } : { channelId: i.channelId ?? undefined }),
    ...(messageId ? { messageId } : {}),
  };
}

function hasRole(i: RepliableInteraction, roles: readonly string[]): boolean {
  if (!roles.length) return false;
  const r = i.member?.roles;
  const ids = Array.isArray(r) ? r : r ? [...r.cache.keys()] : [];
  return ids.some((id) => roles.includes(id));
}

/** A modal must be the first answer: when one may follow a (fast) store lookup, wait longer before deferring. */
const MODAL_DEFER_MS = 2500;

function contextFor(deps: DiscordDeps, i: RepliableInteraction, messageId?: string, deferAfterMs = deps.deferAfterMs) {
  if (i.guildId && i.attachmentSizeLimit) deps.uploadLimits.set(i.guildId, i.attachmentSizeLimit);
  deps.userLocales.set(i.user.id, i.locale);
  const responder = new InteractionResponder(deps.client, i, deps.log, deferAfterMs);
  const ctx = new DiscordContext(deps, {
    eventId: i.id,
    locale: i.locale,
    user: {
      id: i.user.id,
      name: i.user.username,
      // Managers may cancel and delete other people's jobs and clips: Discord's Manage Messages says who they are.
      manager: !!i.memberPermissions?.has(PermissionFlagsBits.ManageMessages),
      // Prompt challenges: Manage Server, or a role the operator named (DISCORD_CHALLENGE_ROLES).
      organizer: !!i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) || hasRole(i, deps.challengeRoles),
    },
    ...(i.guildId ? { serverId: i.guildId } : {}),
    where: where(i, messageId),
    uploadLimit: i.attachmentSizeLimit || deps.uploadLimits.get(i.guildId ?? "") || DEFAULT_UPLOAD_LIMIT,
  }, responder);
  return { ctx, responder };
}

const SNOWFLAKE = /^\d{17,20}$/;

/**
 * Slash options by the definition's names; attachments as the neutral Attachment; a channel as Discord writes its
 * mention (<#id>), which is what the commands take a channel as (DiscordContext.channels); anything else that came as
 * a channel goes on as the text it was, for the command to refuse.
 */
export function readOptions(i: ChatInputCommandInteraction, options: readonly OptionDef[]): Args {
  const args: Args = {};
  for (const o of options) {
    const got = i.options.get(o.name);
    if (!got) continue;
    if (o.type === "attachment") {
      const a = got.attachment;
      if (a) args[o.name] = { url: a.url, name: a.name, contentType: a.contentType ?? undefined, size: a.size };
    } else if (o.type === "channel") {
      const id = got.channel?.id ?? got.value;
      if (id !== undefined && id !== null) args[o.name] = typeof id === "string" && SNOWFLAKE.test(id) ? `<#${id}>` : String(id);
    } else if (got.value !== undefined && got.value !== null) {
      args[o.name] = got.value;
    }
  }
  return args;
}

/**
 * A command's arguments: its options, or, for a command with subcommands, the subcommand's name (SUBCOMMAND_ARG) and
 * that subcommand's options (discord.js hoists them: options.get reads inside the subcommand).
 */
export function readArgs(i: ChatInputCommandInteraction, def: CommandDef): Args {
  if (!def.subcommands) return readOptions(i, def.options);
  const name = i.options.getSubcommand(false) ?? "";
  const sub = def.subcommands.find((s) => s.name === name);
  return { [SUBCOMMAND_ARG]: name, ...(sub ? readOptions(i, sub.options) : {}) };
}

async function chatInput(deps: DiscordDeps, i: ChatInputCommandInteraction): Promise<void> {
  const command = COMMANDS[i.commandName];
  if (!command) return;
  const { ctx, responder } = contextFor(deps, i);
  await command.handle(ctx, readArgs(i, command.definition));
  await responder.finish();
}

async function contextMenu(deps: DiscordDeps, i: MessageContextMenuCommandInteraction): Promise<void> {
  const remix = i.commandName === CONTEXT_MENUS.remix;
  const { ctx, responder } = contextFor(deps, i, i.targetId, remix ? Math.max(deps.deferAfterMs, MODAL_DEFER_MS) : deps.deferAfterMs);
  const clip = await ctx.clips.clipForMessage("discord", i.targetId);
  if (!clip) {
    await say(ctx, "errors.noClipHere");
  } else if (remix) {
    await responder.showModal(remixModalBuilder(clip.id, i.locale));
  } else if (i.commandName === CONTEXT_MENUS.extend) {
    await COMMANDS.extend.handle(ctx, { clip: clip.id });
  }
  await responder.finish();
}

async function button(deps: DiscordDeps, i: ButtonInteraction): Promise<void> {
  const { ctx, responder } = contextFor(deps, i, i.message.id);
  const outcome = await handleButton(ctx, i.customId);
  if (outcome === "open-remix-modal") {
    await responder.showModal(remixModalBuilder(decodeButtonId(i.customId)!.target, i.locale));
  } else if (outcome === "unknown") {
    await responder.acknowledge();
  } else if (outcome === "deleted") {
    await deps.delivery.deleted({ channelId: i.message.channelId, messageId: i.message.id }, decodeButtonId(i.customId)!.target, ctx.locale);
  }
  await responder.finish();
}

function field(i: ModalSubmitInteraction, id: string): string | undefined {
  const f = i.fields.fields.get(id);
  return f && "value" in f && typeof f.value === "string" ? f.value : undefined;
}

async function modal(deps: DiscordDeps, i: ModalSubmitInteraction): Promise<void> {
  const b = decodeButtonId(i.customId);
  if (b?.action !== "remix") return;
  const { ctx, responder } = contextFor(deps, i, i.message?.id);
  await COMMANDS.remix.handle(ctx, { clip: b.target, prompt: field(i, "prompt") ?? "", strength: field(i, "strength")?.trim() || undefined });
  await responder.finish();
}

export async function onInteraction(deps: DiscordDeps, i: Interaction): Promise<void> {
  if (i.isChatInputCommand()) return chatInput(deps, i);
  if (i.isMessageContextMenuCommand()) return contextMenu(deps, i);
  if (i.isButton()) return button(deps, i);
  if (i.isModalSubmit()) return modal(deps, i);
}
