// A finished job's clip, posted back: caption and buttons in the requester's language (the job's origin.locale,
// since the event that finished it came from a worker, not from a person).
import { clipButtons } from "../bot/core/buttons.ts";
import { clipCaption } from "../bot/core/clip-view.ts";
import type { ClipInfo } from "../bot/core/clips.ts";
import type { ClipPost } from "./context.ts";

export function presentClip(clip: ClipInfo, locale = clip.origin.locale): ClipPost {
  return { clip, caption: clipCaption(clip, locale), buttons: clipButtons(clip.id, locale) };
}
