// The buttons under a clip, platform-neutral: which actions exist, their localized labels, and a compact id that
// carries the whole state ("sora:extend:<clipId>"), so a button pressed after a restart still knows what to do.
// Discord's custom_id and Slack's action value both hold it (Discord caps custom_id at 100 characters).
import { t } from "./i18n.ts";

export const CLIP_ACTIONS = ["extend", "extendBackward", "remix", "reroll", "loop", "stitch", "delete"] as const;
/** vote, removeEntry and enterChallenge: prompt challenges' buttons (commands/challenge-text.ts). */
export const BUTTON_ACTIONS = [...CLIP_ACTIONS, "cancel", "retry", "vote", "removeEntry", "enterChallenge"] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

export interface ClipButton {
  action: ButtonAction;
  /** A clip id, or a job id for cancel and retry. */
  target: string;
  label: string;
  id: string;
  /** Platforms draw it as dangerous (red). */
  danger: boolean;
}

const PREFIX = "sora";
export const MAX_BUTTON_ID = 100;

export function encodeButtonId(action: ButtonAction, target: string): string {
  const id = `${PREFIX}:${action}:${target}`;
  if (id.length > MAX_BUTTON_ID) throw new Error(`button id over ${MAX_BUTTON_ID} characters: ${id}`);
  return id;
}

/** undefined for ids that are not ours (another app's button, a tampered or outdated id). */
export function decodeButtonId(id: string): { action: ButtonAction; target: string } | undefined {
  // Longer than any id we make: forged (the playground and Slack carry what a client sends), and re-encoding it for a
  // form would fail.
  if (id.length > MAX_BUTTON_ID) return undefined;
  const m = /^sora:([A-Za-z]+):(.+)$/.exec(id);
  if (!m || !(BUTTON_ACTIONS as readonly string[]).includes(m[1])) return undefined;
  return { action: m[1] as ButtonAction, target: m[2] };
}

function button(action: ButtonAction, target: string, locale: string | undefined): ClipButton {
  return { action, target, label: t(locale, `buttons.${action}`), id: encodeButtonId(action, target), danger: action === "delete" || action === "cancel" };
}

/** The row under a finished clip. */
export function clipButtons(clipId: string, locale: string | undefined): ClipButton[] {
  return CLIP_ACTIONS.map((a) => button(a, clipId, locale));
}

/** The button under a progress message while the job waits or runs. */
export function cancelButton(jobId: string, locale: string | undefined): ClipButton {
  return button("cancel", jobId, locale);
}

/** The buttons under a progress message in this state: Cancel while it can stop, Retry once the queue lost it. */
export function progressButtons(state: string, jobId: string, locale: string | undefined): ClipButton[] {
  if (state === "queued" || state === "running") return [button("cancel", jobId, locale)];
  if (state === "lost") return [button("retry", jobId, locale)];
  return [];
}
