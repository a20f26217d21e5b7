// /stitch (and the Stitch button): one clip → its whole lineage, root to this clip, as one video; two or more clips
// of this conversation (`/stitch clips: a b c`, `stitch a b c` in Slack's `/sora` and the playground) → those clips,
// in the order named, as posted. Nothing is rendered anew; the engine's stitch joins them, up to its length limit.
import { PARAM_LIMITS, STITCH_LIMITS } from "../engine/queue/limits.ts";
import { clipHere, clipSeconds, splitRefs } from "./clip-refs.ts";
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { UserError } from "./errors.ts";
import { guarded } from "./respond.ts";
import { buildJob, requireClip, submit } from "./submit.ts";

export const definition = define("stitch", [
  option("stitch", "clip", "string"),
  option("stitch", "clips", "string", { maxLength: 4000 }),
]);

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const named = [...splitRefs(stringArg(args, "clip")), ...splitRefs(stringArg(args, "clips"))];
    if (named.length > 1) return stitchChosen(ctx, named);
    const parent = await requireClip(ctx, named[0]);
    await submit(ctx, buildJob(ctx, { kind: "stitch", prompt: "", parentClipId: parent.id }));
  });
}

async function stitchChosen(ctx: CommandContext, named: string[]): Promise<void> {
  if (named.length > STITCH_LIMITS.parts) throw new UserError("errors.stitchTooManyClips", { count: named.length, max: STITCH_LIMITS.parts });
  const clips = [];
  for (const ref of named) clips.push(await clipHere(ctx, ref));
  // Refused here when the clips say how long they are; the worker checks again from the files.
  const seconds = clips.reduce((sum, c) => sum + (clipSeconds(c) ?? 0), 0);
  const max = PARAM_LIMITS.seconds.max;
  if (seconds > max + 1e-6) throw new UserError("errors.stitchTooLong", { seconds: Math.round(seconds * 10) / 10, max });
  const parts = clips.map((c) => c.id);
  await submit(ctx, buildJob(ctx, { kind: "stitch", prompt: "", parentClipId: parts[parts.length - 1]!, parts }));
}

export const stitch: Command = { definition, handle };
