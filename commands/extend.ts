// /extend (and the Extend / Extend backwards buttons, the "Extend clip" context menu, a thread reply): continue a
// clip. Without words the parent's prompt carries on.
import { TEXT_LIMITS } from "../engine/queue/limits.ts";
import { RENDER_OPTIONS } from "./flags.ts";
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";
import { buildJob, checkPrompt, requireClip, submit } from "./submit.ts";

export const definition = define("extend", [
  option("extend", "clip", "string", { required: true }),
  option("extend", "prompt", "string", { maxLength: TEXT_LIMITS.prompt }),
  option("extend", "backward", "boolean"),
]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const checked = checkPrompt(ctx, { text: stringArg(args, "prompt") ?? "", allowed: RENDER_OPTIONS, required: false });
    const parent = await requireClip(ctx, stringArg(args, "clip"));
    await submit(ctx, buildJob(ctx, {
      kind: "extend", prompt: checked.prompt, options: checked.options, parentClipId: parent.id,
      direction: args.backward === true ? "backward" : "forward",
    }));
  });
}

export const extend: Command = { definition, handle };
