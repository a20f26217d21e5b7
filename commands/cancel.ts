// /cancel (and the Cancel button under a progress message): stop a waiting or running job. The owner may; so may a
// manager, which the platform decides and the context reports.
import { actorOf, type CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded, say } from "./respond.ts";
import { UserError } from "./errors.ts";

export const definition = define("cancel", [option("cancel", "job", "string", { required: true })]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const job = stringArg(args, "job")?.trim() ?? "";
    if (!job) throw new UserError("errors.unknownJob", { job: "?" });
    const outcome = await ctx.producer.cancel(job, actorOf(ctx));
    if (outcome === "not-found") throw new UserError("errors.unknownJob", { job });
    if (outcome === "finished") throw new UserError("errors.alreadyFinished", { job });
    await say(ctx, "results.cancelled", { job });
  });
}

export const cancel: Command = { definition, handle };
