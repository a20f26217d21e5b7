// /sora: a new clip from a prompt (inline flags allowed), or, with an image attached, that image brought to life.
import { PARAM_LIMITS, TEXT_LIMITS } from "../engine/queue/limits.ts";
import { ASPECT_RATIOS, type AspectRatio } from "../engine/types.ts";
import { UserError } from "./errors.ts";
import { checkOptionValue, MOTIONS, RENDER_OPTIONS, type PromptOptions } from "./flags.ts";
import type { CommandContext } from "./context.ts";
import { attachmentArg, define, numberArg, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";
import { buildJob, checkPrompt, submit } from "./submit.ts";

const ASPECT_CHOICE_KEYS: Record<AspectRatio, string> = { "1:1": "square", "16:9": "wide", "9:16": "tall" };

export const definition = define("sora", [
  option("sora", "prompt", "string", { required: true, maxLength: TEXT_LIMITS.prompt }),
  option("sora", "aspect", "string", { choices: ASPECT_RATIOS.map((a) => ({ value: a, nameKey: `choices.aspect.${ASPECT_CHOICE_KEYS[a]}` })) }),
  option("sora", "seconds", "number", PARAM_LIMITS.seconds),
  option("sora", "seed", "integer", PARAM_LIMITS.seed),
  option("sora", "steps", "integer", PARAM_LIMITS.steps),
  option("sora", "guidance", "number", PARAM_LIMITS.guidance),
  option("sora", "negative", "string", { maxLength: TEXT_LIMITS.negativePrompt }),
  option("sora", "motion", "string", { choices: MOTIONS.map((m) => ({ value: m, nameKey: `choices.motion.${m}` })) }),
  option("sora", "raw", "boolean"),
  option("sora", "image", "attachment"),
]);

/**
 * Slash-command options in the shape of inline flags. Discord enforces choices and ranges itself, but Slack and the
 * playground pass typed text: a choice or switch that is not one is refused by name (`aspect: 0:0`, `raw: maybe`),
 * never silently dropped.
 */
export function explicitOptions(args: Args): PromptOptions {
  const aspect = stringArg(args, "aspect")?.trim();
  const motion = stringArg(args, "motion")?.trim();
  if (args.raw !== undefined && typeof args.raw !== "boolean") throw new UserError("errors.badBoolean", { flag: "raw", value: String(args.raw) });
  return {
    aspect: aspect ? checkOptionValue("aspect", aspect, "aspect") : undefined,
    seconds: numberArg(args, "seconds"),
    seed: numberArg(args, "seed"),
    steps: numberArg(args, "steps"),
    guidance: numberArg(args, "guidance"),
    negativePrompt: stringArg(args, "negative")?.trim() || undefined,
    motion: motion ? checkOptionValue("motion", motion, "motion") : undefined,
    raw: args.raw === true ? true : undefined,
  };
}

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const image = attachmentArg(args, "image");
    // With an image the words are optional: the picture is the subject.
    const checked = checkPrompt(ctx, { text: stringArg(args, "prompt") ?? "", explicit: explicitOptions(args), allowed: RENDER_OPTIONS, required: !image });
    const imageRef = image ? await ctx.importImage(image) : undefined;
    await submit(ctx, buildJob(ctx, { kind: imageRef ? "animate" : "generate", prompt: checked.prompt, options: checked.options, imageRef }));
  });
}

export const sora: Command = { definition, handle };
