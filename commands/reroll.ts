// /reroll (and the Reroll button): the parent's request again with a new seed; the worker picks the seed.
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";
import { buildJob, requireClip, submit } from "./submit.ts";

export const definition = define("reroll", [option("reroll", "clip", "string", { required: true })]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const parent = await requireClip(ctx, stringArg(args, "clip"));
    await submit(ctx, buildJob(ctx, { kind: "reroll", prompt: "", parentClipId: parent.id }));
  });
}

export const reroll: Command = { definition, handle };
