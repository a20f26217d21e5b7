// How a command describes itself: name, options with limits, and localization keys. Adapters turn this into
// Discord application commands, Slack usage text or the playground's help; names and descriptions come from locales/.
import { localizations, t } from "./i18n.ts";
import type { Attachment, CommandContext } from "./context.ts";

/** `channel`: a channel of the server the command came from (Discord's channel option; Slack's `<#C…|name>`). */
export type OptionType = "string" | "integer" | "number" | "boolean" | "attachment" | "channel";

export interface OptionDef {
  /** Stable, English, lower-case: the same word as the inline flag where there is one. */
  name: string;
  type: OptionType;
  required: boolean;
  descriptionKey: string;
  min?: number;
  max?: number;
  maxLength?: number;
  choices?: { value: string; nameKey: string }[];
}

/** One of a command's subcommands (`/challenge start …`): its own options, under the command. */
export interface SubcommandDef {
  /** Stable, English, lower-case: what Discord routes back, and the first word of the text form. */
  name: string;
  nameKey: string;
  descriptionKey: string;
  options: OptionDef[];
}

/**
 * Where a command with subcommands finds which one was asked for: the subcommand's name (Discord's typed
 * subcommands), or, from the text platforms (Slack, the playground), the whole text after the command, which the
 * command reads itself (commands/challenge-args.ts).
 */
export const SUBCOMMAND_ARG = "action";

export interface CommandDef {
  /** Stable English name (the registry key, and the default name on every platform). */
  name: string;
  nameKey: string;
  descriptionKey: string;
  /** The command's options; empty when it has subcommands (a platform may not mix the two). */
  options: OptionDef[];
  /** Subcommands, each with its options: the subcommand's name arrives as SUBCOMMAND_ARG. */
  subcommands?: SubcommandDef[];
  /** Server managers' command: platforms that can hide it from everyone else do (Discord: Manage Server). */
  managerOnly?: boolean;
}

export type ArgValue = string | number | boolean | Attachment;
/** Option values as the adapter read them from the platform, by option name. */
export type Args = Record<string, ArgValue | undefined>;

export interface Command {
  definition: CommandDef;
  handle(ctx: CommandContext, args: Args): Promise<void>;
}

/** An option's description key follows the command's: commands.<cmd>.options.<option>. */
export function option(command: string, name: string, type: OptionType, extra: Partial<OptionDef> = {}): OptionDef {
  return { name, type, required: false, descriptionKey: `commands.${command}.options.${name}`, ...extra };
}

export function define(name: string, options: OptionDef[]): CommandDef {
  return { name, nameKey: `commands.${name}.name`, descriptionKey: `commands.${name}.description`, options };
}

/** A subcommand: its description is commands.<cmd>.subcommands.<name>; its localized name comes from `nameKey`. */
export function subcommand(command: string, name: string, nameKey: string, options: OptionDef[]): SubcommandDef {
  return { name, nameKey, descriptionKey: `commands.${command}.subcommands.${name}`, options };
}

function localizeOptions(options: readonly OptionDef[]) {
  return options.map((o) => ({
    ...o,
    description: t("en", o.descriptionKey),
    descriptionLocalizations: localizations(o.descriptionKey),
    choices: o.choices?.map((c) => ({ value: c.value, name: t("en", c.nameKey), nameLocalizations: localizations(c.nameKey) })),
  }));
}

/** A definition with every text rendered in every shipped locale: what a registration script sends. */
export function localizeDefinition(def: CommandDef) {
  return {
    name: def.name,
    description: t("en", def.descriptionKey),
    nameLocalizations: localizations(def.nameKey),
    descriptionLocalizations: localizations(def.descriptionKey),
    options: localizeOptions(def.options),
    ...(def.subcommands ? {
      subcommands: def.subcommands.map((s) => ({
        name: s.name, nameLocalizations: localizations(s.nameKey), description: t("en", s.descriptionKey),
        descriptionLocalizations: localizations(s.descriptionKey), options: localizeOptions(s.options),
      })),
    } : {}),
  };
}

export function stringArg(args: Args, name: string): string | undefined {
  const v = args[name];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

export function numberArg(args: Args, name: string): number | undefined {
  const v = args[name];
  return typeof v === "number" ? v : undefined;
}

export function attachmentArg(args: Args, name: string): Attachment | undefined {
  const v = args[name];
  return typeof v === "object" && v !== null ? v : undefined;
}
