// /delete (and the Delete button): remove a clip. Only its maker, on the platform it was made on, or a manager.
// The check is here as well as in the store so a refusal is a clear message, not a store error.
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded, say } from "./respond.ts";
import { requireClip } from "./submit.ts";
import { UserError } from "../bot/core/errors.ts";

export const definition = define("delete", [option("delete", "clip", "string", { required: true })]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const clip = await requireClip(ctx, stringArg(args, "clip"));
    const owner = clip.origin.platform === ctx.platform && clip.origin.userId === ctx.user.id;
    if (!owner && !ctx.user.manager) throw new UserError("queue.notAllowed");
    await ctx.clips.deleteClip(clip.id, ctx.user.id, { manager: ctx.user.manager });
    await say(ctx, "results.deleted");
  });
}

export const del: Command = { definition, handle };
