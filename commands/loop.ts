// /loop (and the Loop button): make the clip end where it starts, so it plays seamlessly on repeat.
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";
import { buildJob, requireClip, submit } from "./submit.ts";

export const definition = define("loop", [option("loop", "clip", "string", { required: true })]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const parent = await requireClip(ctx, stringArg(args, "clip"));
    await submit(ctx, buildJob(ctx, { kind: "loop", prompt: "", parentClipId: parent.id }));
  });
}

export const loop: Command = { definition, handle };
