// /delete (and the Delete button): remove a clip. Only its maker (platform + user), or a manager of its server.
// The check is here as well as in the store so a refusal is a clear message, not a store error.
import { mayManage } from "../engine/queue/identity.ts";
import { actorOf, type CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded, say } from "./respond.ts";
import { requireClip } from "./submit.ts";
import { UserError } from "./errors.ts";

export const definition = define("delete", [option("delete", "clip", "string", { required: true })]);

/** Delete the clip and say so; true when it is gone (the caller may take its message down), false when refused. */
export async function deleteClip(ctx: CommandContext, clipId: string | undefined): Promise<boolean> {
  let deleted = false;
  await guarded(ctx, async () => {
    const clip = await requireClip(ctx, clipId);
    if (!mayManage(clip.origin, actorOf(ctx))) throw new UserError("queue.notAllowed");
    await ctx.clips.deleteClip(clip.id, actorOf(ctx));
    deleted = true;
    await say(ctx, "results.deleted");
  });
  return deleted;
}

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await deleteClip(ctx, stringArg(args, "clip"));
}

export const del: Command = { definition, handle };
