// /connect (and `connect <clip> <clip>` in Slack's `/sora` and the playground): the frames between two clips of this
// conversation, rendered by the engine's interpolate job, posted in the thread. The new clip is the way from the
// first clip to the second followed by the second (engine/worker/request.ts), so it plays on from the first.
import { TEXT_LIMITS } from "../engine/queue/limits.ts";
import { clipHere, splitRefs } from "./clip-refs.ts";
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { UserError } from "./errors.ts";
import { RENDER_OPTIONS } from "./flags.ts";
import { guarded } from "./respond.ts";
import { buildJob, checkPrompt, submit } from "./submit.ts";

export const definition = define("connect", [
  option("connect", "from", "string", { required: true }),
  option("connect", "to", "string", { required: true }),
  option("connect", "prompt", "string", { maxLength: TEXT_LIMITS.prompt }),
]);

/** The in-between frames keep the first clip's aspect: the worker refuses another one, so it is not offered. */
const CONNECT_OPTIONS = RENDER_OPTIONS.filter((o) => o !== "aspect");

/** Both clips: as two options, or both in the first (one-box input fills only the first: `/connect a b`). */
function refs(args: Args): string[] {
  return [...splitRefs(stringArg(args, "from")), ...splitRefs(stringArg(args, "to"))];
}

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const named = refs(args);
    if (named.length !== 2) throw new UserError("errors.connectNeedsTwo");
    const checked = checkPrompt(ctx, { text: stringArg(args, "prompt") ?? "", allowed: CONNECT_OPTIONS, required: false });
    const from = await clipHere(ctx, named[0]!);
    const to = await clipHere(ctx, named[1]!);
    if (from.id === to.id) throw new UserError("errors.connectSameClip");
    await submit(ctx, buildJob(ctx, { kind: "interpolate", prompt: checked.prompt, options: checked.options, parentClipId: from.id, otherClipId: to.id }));
  });
}

export const connect: Command = { definition, handle };
