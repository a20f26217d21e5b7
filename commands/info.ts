// /info: the model, the queue, the asker's jobs, the limits, the server's /defaults, and how replies work (the
// feature people miss).
import { PARAM_LIMITS, TEXT_LIMITS } from "../engine/queue/limits.ts";
import { t } from "./i18n.ts";
import type { Defaults } from "./server-defaults.ts";
import type { CommandContext } from "./context.ts";
import { formatDefaults, isEmpty } from "./defaults.ts";
import { define, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";

export const definition = define("info", []);

/** This server's /defaults, when there are any; a store that fails only costs the line, not the answer. */
async function serverDefaults(ctx: CommandContext): Promise<Defaults | undefined> {
  if (!ctx.defaults || !ctx.server) return undefined;
  return ctx.defaults.get(ctx.platform, ctx.server.id).catch((err) => {
    (ctx.log ?? console.warn)(`server defaults: could not read platform=${ctx.platform} server=${ctx.server?.id}: ${(err as Error)?.message ?? err}`);
    return undefined;
  });
}

export async function handle(ctx: CommandContext, _args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const info = await ctx.producer.queueInfo({ platform: ctx.platform, userId: ctx.user.id });
    const l = ctx.locale;
    const preset = await serverDefaults(ctx);
    const text = [
      t(l, "info.title"),
      t(l, "info.model", { model: ctx.model }),
      t(l, "info.queue", { waiting: info.waiting, running: info.running }),
      t(l, "info.usage", { jobs: info.mine?.length ?? 0 }),
      t(l, "info.limits", { prompt: TEXT_LIMITS.prompt, seconds: PARAM_LIMITS.seconds.max, steps: PARAM_LIMITS.steps.max }),
      ...(preset && !isEmpty(preset) ? [t(l, "info.defaults", { list: formatDefaults(l, preset) })] : []),
      t(l, "info.help"),
    ].join("\n");
    await ctx.reply({ key: "info.title", text, ephemeral: true });
  });
}

export const info: Command = { definition, handle };
