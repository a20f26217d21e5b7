// The commands/ definitions as Discord application commands: slash commands with typed, ranged, localized options,
// plus the two message context menus. Names stay the stable English ones (that is how interactions are routed back);
// Discord shows each person the localization for their client language.
import {
  ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, ChannelType, InteractionContextType, PermissionFlagsBits,
} from "discord.js";
import { COMMANDS } from "../../commands/index.ts";
import type { CommandDef, OptionDef, OptionType, SubcommandDef } from "../../commands/definition.ts";
import { localizations, t } from "../../commands/i18n.ts";
import { truncate } from "../../engine/text.ts";

/** Discord's locale codes for each locale we ship (Discord has no plain "en", "es" or "pt"). */
export const DISCORD_LOCALES: Readonly<Record<string, readonly string[]>> = {
  en: ["en-US", "en-GB"],
  es: ["es-ES", "es-419"],
  fr: ["fr"],
  de: ["de"],
  ja: ["ja"],
  "pt-BR": ["pt-BR"],
};

/** `localizations(key)` keyed by Discord locale codes: the shape of name_localizations / description_localizations. */
export function discordLocalizations(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [lng, text] of Object.entries(localizations(key))) {
    for (const code of DISCORD_LOCALES[lng] ?? []) out[code] = text;
  }
  return out;
}

const OPTION_TYPES: Record<OptionType, ApplicationCommandOptionType> = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  number: ApplicationCommandOptionType.Number,
  boolean: ApplicationCommandOptionType.Boolean,
  attachment: ApplicationCommandOptionType.Attachment,
  channel: ApplicationCommandOptionType.Channel,
};

/** A channel option offers the channels a challenge can run in: text and announcement channels (no threads, voice). */
export const CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** Discord caps descriptions (and choice names) at 100 characters. */
const DESCRIPTION_MAX = 100;

function cap(text: string): string {
  return truncate(text, DESCRIPTION_MAX);
}

function capAll(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, cap(v)]));
}

function optionJson(o: OptionDef) {
  return {
    type: OPTION_TYPES[o.type],
    name: o.name,
    description: cap(t("en", o.descriptionKey)),
    description_localizations: capAll(discordLocalizations(o.descriptionKey)),
    required: o.required,
    ...(o.min !== undefined && (o.type === "integer" || o.type === "number") ? { min_value: o.min } : {}),
    ...(o.max !== undefined && (o.type === "integer" || o.type === "number") ? { max_value: o.max } : {}),
    ...(o.maxLength !== undefined && o.type === "string" ? { max_length: o.maxLength } : {}),
    ...(o.type === "channel" ? { channel_types: [...CHANNEL_TYPES] } : {}),
    ...(o.choices
      ? { choices: o.choices.map((c) => ({ name: cap(t("en", c.nameKey)), name_localizations: capAll(discordLocalizations(c.nameKey)), value: c.value })) }
      : {}),
  };
}

/** Guild installs, used in servers: clips live in threads, which DMs do not have. */
const WHERE = { integration_types: [ApplicationIntegrationType.GuildInstall], contexts: [InteractionContextType.Guild] };

/** Discord wants required options first. */
function optionsJson(options: readonly OptionDef[]) {
  return [...options].sort((a, b) => Number(b.required) - Number(a.required)).map(optionJson);
}

/** A subcommand: an option of type 1 (SUB_COMMAND) whose own options are nested in it. */
function subcommandJson(s: SubcommandDef) {
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: s.name,
    name_localizations: discordLocalizations(s.nameKey),
    description: cap(t("en", s.descriptionKey)),
    description_localizations: capAll(discordLocalizations(s.descriptionKey)),
    options: optionsJson(s.options),
  };
}

export function slashCommandJson(def: CommandDef) {
  // A command's options, or its subcommands: Discord does not take both at one level.
  const options = def.subcommands ? def.subcommands.map(subcommandJson) : optionsJson(def.options);
  return {
    type: ApplicationCommandType.ChatInput,
    name: def.name,
    name_localizations: discordLocalizations(def.nameKey),
    description: cap(t("en", def.descriptionKey)),
    description_localizations: capAll(discordLocalizations(def.descriptionKey)),
    options,
    // Managers' commands are shown only to members with Manage Server (server admins can change that per command);
    // the handler still checks the member's own permissions.
    ...(def.managerOnly ? { default_member_permissions: String(PermissionFlagsBits.ManageGuild) } : {}),
    ...WHERE,
  };
}

export function contextMenuJson(key: "contextMenus.extend" | "contextMenus.remix") {
  return { type: ApplicationCommandType.Message, name: t("en", key), name_localizations: discordLocalizations(key), ...WHERE };
}

/** Everything `npm run discord:register` sends. */
export function applicationCommands() {
  return [
    ...Object.values(COMMANDS).map((c) => slashCommandJson(c.definition)),
    contextMenuJson("contextMenus.extend"),
    contextMenuJson("contextMenus.remix"),
  ];
}
