// /remix (the Remix button's modal, the "Remix clip" context menu, a `remix:` reply): redo a clip from new words,
// keeping its layout and motion. Strength says how far to move from the parent.
import { PARAM_LIMITS, TEXT_LIMITS } from "../engine/queue/limits.ts";
import { RENDER_OPTIONS } from "./flags.ts";
import { UserError } from "./errors.ts";
import { encodeButtonId } from "./buttons.ts";
import { t } from "./i18n.ts";
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";
import { buildJob, checkPrompt, requireClip, submit } from "./submit.ts";

export const definition = define("remix", [
  option("remix", "clip", "string", { required: true }),
  option("remix", "prompt", "string", { required: true, maxLength: TEXT_LIMITS.prompt }),
  option("remix", "strength", "number", PARAM_LIMITS.strength),
]);

/** The modal's strength field is free text ("0,4" included); a slash option arrives as a number. */
function strengthArg(args: Args): number | undefined {
  const v = args.strength;
  if (v === undefined || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(String(v).trim().replace(",", "."));
  const { min, max } = PARAM_LIMITS.strength;
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError("errors.badNumber", { flag: "strength", min, max, value: String(v) });
  return n;
}

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const strength = strengthArg(args);
    const checked = checkPrompt(ctx, {
      text: stringArg(args, "prompt") ?? "", explicit: { strength }, allowed: [...RENDER_OPTIONS, "strength"], required: true,
    });
    const parent = await requireClip(ctx, stringArg(args, "clip"));
    await submit(ctx, buildJob(ctx, { kind: "remix", prompt: checked.prompt, options: checked.options, parentClipId: parent.id }));
  });
}

export const remix: Command = { definition, handle };

export interface ModalField {
  id: "prompt" | "strength";
  label: string;
  placeholder: string;
  required: boolean;
  maxLength: number;
}

/** The Remix button's form. Its id carries the clip like a button id, so a submit after a restart still resolves. */
export function remixModal(clipId: string, locale: string): { id: string; title: string; fields: ModalField[] } {
  return {
    id: encodeButtonId("remix", clipId),
    title: t(locale, "modal.remix.title"),
    fields: [
      { id: "prompt", label: t(locale, "modal.remix.prompt"), placeholder: t(locale, "modal.remix.promptPlaceholder"), required: true, maxLength: TEXT_LIMITS.prompt },
      { id: "strength", label: t(locale, "modal.remix.strength"), placeholder: t(locale, "modal.remix.strengthPlaceholder"), required: false, maxLength: 8 },
    ],
  };
}
