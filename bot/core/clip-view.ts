// The caption under a posted clip, in the reader's language: what kind of clip, the prompt, the expanded prompt when
// the engine rewrote it, seed, settings, and what it continues. Plain lines; adapters turn them into an embed or blocks.
import type { ClipInfo } from "./clips.ts";
import { t } from "./i18n.ts";

/** Long prompts would swamp the message; the full text stays in the store. */
export const CAPTION_FIELD_MAX = 300;

function clip(text: string): string {
  return text.length > CAPTION_FIELD_MAX ? `${text.slice(0, CAPTION_FIELD_MAX - 1)}…` : text;
}

function settings(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

export function clipCaption(c: ClipInfo, locale: string | undefined): string {
  const lines = [t(locale, `clip.kind.${c.kind}`)];
  if (c.prompt) lines.push(`${t(locale, "clip.prompt")}: ${clip(c.prompt)}`);
  if (c.expandedPrompt && c.expandedPrompt !== c.prompt) lines.push(`${t(locale, "clip.expandedPrompt")}: ${clip(c.expandedPrompt)}`);
  lines.push(`${t(locale, "clip.seed")}: ${c.seed}`);
  const s = settings(c.params);
  if (s) lines.push(`${t(locale, "clip.params")}: ${s}`);
  if (c.parentId) lines.push(`${t(locale, "clip.parent")}: ${c.parentId}`);
  return lines.join("\n");
}
