// /stitch (and the Stitch button): the whole lineage, root to this clip, as one video. Nothing is rendered anew.
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";
import { buildJob, requireClip, submit } from "./submit.ts";

export const definition = define("stitch", [option("stitch", "clip", "string", { required: true })]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const parent = await requireClip(ctx, stringArg(args, "clip"));
    await submit(ctx, buildJob(ctx, { kind: "stitch", prompt: "", parentClipId: parent.id }));
  });
}

export const stitch: Command = { definition, handle };
