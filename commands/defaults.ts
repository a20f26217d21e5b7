// /defaults (server managers): preset this server's aspect, steps, seconds, guidance and negative prompt for every
// later request that leaves them out. With no options it shows them; `reset` clears them (and the options given with
// it start the new set). Values are checked like inline flags, all before anything is stored, so a bad one changes
// nothing.
import { PARAM_LIMITS, TEXT_LIMITS } from "../engine/queue/limits.ts";
import { ASPECT_RATIOS, type AspectRatio } from "../engine/types.ts";
import { UserError } from "./errors.ts";
import { t } from "./i18n.ts";
import { moderate } from "./moderation.ts";
import { checkDefault, DEFAULT_SETTINGS, SETTING_LABELS, type Defaults } from "./server-defaults.ts";
import type { CommandContext } from "./context.ts";
import { define, option, type Args, type Command } from "./definition.ts";
import { guarded, say } from "./respond.ts";

const ASPECT_CHOICE_KEYS: Record<AspectRatio, string> = { "1:1": "square", "16:9": "wide", "9:16": "tall" };

export const definition = {
  ...define("defaults", [
    option("defaults", "aspect", "string", { choices: ASPECT_RATIOS.map((a) => ({ value: a, nameKey: `choices.aspect.${ASPECT_CHOICE_KEYS[a]}` })) }),
    option("defaults", "steps", "integer", PARAM_LIMITS.steps),
    option("defaults", "seconds", "number", PARAM_LIMITS.seconds),
    option("defaults", "guidance", "number", PARAM_LIMITS.guidance),
    option("defaults", "negative", "string", { maxLength: TEXT_LIMITS.negativePrompt }),
    option("defaults", "reset", "boolean"),
  ]),
  managerOnly: true,
};

/** The options given, checked. A blank text counts as not given (Discord never sends one; text adapters might). */
function readValues(ctx: CommandContext, args: Args): Defaults {
  const values: Defaults = {};
  for (const k of DEFAULT_SETTINGS) {
    const raw = args[SETTING_LABELS[k]];
    if (typeof raw !== "string" && typeof raw !== "number") continue;
    if (typeof raw === "string" && raw.trim() === "") continue;
    (values as Record<string, unknown>)[k] = checkDefault(k, raw);
  }
  if (values.negativePrompt) {
    moderate(ctx.blocklist, [values.negativePrompt], { platform: ctx.platform, userId: ctx.user.id, serverId: ctx.server?.id }, ctx.log);
  }
  return values;
}

/** "aspect 16:9, 12 steps, avoid “blurry”" in the reader's language. */
export function formatDefaults(locale: string, d: Defaults): string {
  const items = DEFAULT_SETTINGS.filter((k) => d[k] !== undefined)
    .map((k) => t(locale, `defaults.items.${SETTING_LABELS[k]}`, { value: d[k] as string | number }));
  return items.join(t(locale, "defaults.separator"));
}

export const isEmpty = (d: Defaults) => DEFAULT_SETTINGS.every((k) => d[k] === undefined);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    if (!ctx.user.manager) throw new UserError("errors.defaultsNotAllowed");
    const store = ctx.defaults;
    const serverId = ctx.server?.id;
    if (!store || !serverId) throw new UserError("errors.defaultsNoServer");
    const values = readValues(ctx, args);
    const given = !isEmpty(values);
    const reset = args.reset === true;
    if (reset) await store.clear(ctx.platform, serverId);
    if (given) await store.set(ctx.platform, serverId, values);
    const now = await store.get(ctx.platform, serverId);
    if (isEmpty(now)) return say(ctx, reset ? "defaults.cleared" : "defaults.none");
    return say(ctx, given || reset ? "defaults.saved" : "defaults.current", { list: formatDefaults(ctx.locale, now) });
  });
}

export const defaults: Command = { definition, handle };
