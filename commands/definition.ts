// How a command describes itself: name, options with limits, and localization keys. Adapters turn this into
// Discord application commands, Slack usage text or the playground's help; names and descriptions come from locales/.
import { localizations, t } from "./i18n.ts";
import type { Attachment, CommandContext } from "./context.ts";

export type OptionType = "string" | "integer" | "number" | "boolean" | "attachment";

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

export interface CommandDef {
  /** Stable English name (the registry key, and the default name on every platform). */
  name: string;
  nameKey: string;
  descriptionKey: string;
  options: OptionDef[];
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

/** A definition with every text rendered in every shipped locale: what a registration script sends. */
export function localizeDefinition(def: CommandDef) {
  return {
    name: def.name,
    description: t("en", def.descriptionKey),
    nameLocalizations: localizations(def.nameKey),
    descriptionLocalizations: localizations(def.descriptionKey),
    options: def.options.map((o) => ({
      ...o,
      description: t("en", o.descriptionKey),
      descriptionLocalizations: localizations(o.descriptionKey),
      choices: o.choices?.map((c) => ({ value: c.value, name: t("en", c.nameKey), nameLocalizations: localizations(c.nameKey) })),
    })),
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
