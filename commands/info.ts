// /info: the model, the queue, the asker's jobs, the limits, and how replies work (the feature people miss).
import { PARAM_LIMITS, TEXT_LIMITS } from "../engine/queue/limits.ts";
import { t } from "../bot/core/i18n.ts";
import type { CommandContext } from "./context.ts";
import { define, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";

export const definition = define("info", []);

export async function handle(ctx: CommandContext, _args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const info = await ctx.producer.queueInfo({ platform: ctx.platform, userId: ctx.user.id });
    const l = ctx.locale;
    const text = [
      t(l, "info.title"),
      t(l, "info.model", { model: ctx.model }),
      t(l, "info.queue", { waiting: info.waiting, running: info.running }),
      t(l, "info.usage", { jobs: info.mine?.length ?? 0 }),
      t(l, "info.limits", { prompt: TEXT_LIMITS.prompt, seconds: PARAM_LIMITS.seconds.max, steps: PARAM_LIMITS.steps.max }),
      t(l, "info.help"),
    ].join("\n");
    await ctx.reply({ key: "info.title", text, ephemeral: true });
  });
}

export const info: Command = { definition, handle };
