// A finished job's clip as every platform shows it: the caption under it — what kind of clip, the prompt, the
// expanded prompt when the engine rewrote it, the objects its layout input placed, seed, settings, and what it
// continues, as plain lines that adapters turn into an embed or blocks — and its buttons, in the requester's language
// (the job's origin.locale, since the event that finished it came from a worker, not from a person).
import { truncate } from "../engine/text.ts";
import { clipButtons } from "./buttons.ts";
import type { ClipInfo, ClipPost } from "./context.ts";
import { t } from "./i18n.ts";

/** Long prompts would swamp the message; the full text stays in the store. */
export const CAPTION_FIELD_MAX = 300;

/**
 * The settings a reader chose or can choose again, in their language. The record's params also hold bookkeeping
 * (job id, source clip, image blob key, frame count) that means nothing to a reader, so only these are shown.
 */
const SHOWN_SETTINGS = ["steps", "guidance", "aspect", "seconds", "strength", "negativePrompt"] as const;

function settings(params: Record<string, unknown>, locale: string | undefined): string {
  const parts: string[] = [];
  for (const k of SHOWN_SETTINGS) {
    const v = params[k];
    if (typeof v === "number" || (typeof v === "string" && v !== "")) parts.push(t(locale, `clip.setting.${k}`, { value: v }));
  }
  const dir = params.direction;
  if (dir === "forward" || dir === "backward") parts.push(t(locale, `clip.setting.${dir}`));
  return parts.join(", ");
}

export function clipCaption(c: ClipInfo, locale: string | undefined): string {
  const lines = [t(locale, `clip.kind.${c.kind}`)];
  if (c.prompt) lines.push(`${t(locale, "clip.prompt")}: ${truncate(c.prompt, CAPTION_FIELD_MAX)}`);
  if (c.expandedPrompt && c.expandedPrompt !== c.prompt) lines.push(`${t(locale, "clip.expandedPrompt")}: ${truncate(c.expandedPrompt, CAPTION_FIELD_MAX)}`);
  // The model's own words (like the expanded prompt): what its layout input placed, so a reader sees why it drew there.
  if (c.layout?.length) lines.push(`${t(locale, "clip.layout")}: ${truncate(c.layout.join(", "), CAPTION_FIELD_MAX)}`);
  lines.push(`${t(locale, "clip.seed")}: ${c.seed}`);
  const s = settings(c.params, locale);
  if (s) lines.push(`${t(locale, "clip.params")}: ${s}`);
  if (c.parentId) lines.push(`${t(locale, "clip.parent")}: ${c.parentId}`);
  // Its own id, so people can name it to /connect and /stitch where their platform has no message links.
  lines.push(`${t(locale, "clip.id")}: ${c.id}`);
  return lines.join("\n");
}

export function presentClip(clip: ClipInfo, locale = clip.origin.locale): ClipPost {
  return { clip, caption: clipCaption(clip, locale), buttons: clipButtons(clip.id, locale) };
}
