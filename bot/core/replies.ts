// What a reply to a clip means. A reply (or a plain message in a clip's thread) with an image animates the image;
// text starting with `remix:` in any shipped language remixes the clip; other text extends it. The result is a
// neutral request that commands/reply.ts turns into a job; nothing here talks to a platform or the queue.
import { MAX_IMAGE_BYTES } from "../../engine/config/limits.ts";
import { readSetting } from "../../engine/config/settings.ts";
import { UserError } from "./errors.ts";
import { RESOURCES } from "./i18n.ts";

export interface Attachment {
  /** Where the adapter can fetch it; host checks are the adapter's (only that platform's CDN is trusted). */
  url: string;
  name?: string;
  contentType?: string;
  size?: number;
}

export interface ReplyInput {
  text: string;
  attachments: readonly Attachment[];
  /** The clip the message continues (clips.ts findParentClip); undefined when it continues none. */
  parentClipId?: string;
}

export type ReplyRequest =
  | { kind: "extend"; parentClipId: string; prompt: string }
  | { kind: "remix"; parentClipId: string; prompt: string }
  | { kind: "animate"; parentClipId: string; prompt: string; image: Attachment }
  /** Not for us: no clip to continue, or nothing said. Adapters stay silent rather than answer every message. */
  | { kind: "ignore"; why: "no-parent" | "empty" };

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
const IMAGE_EXT = /\.(png|jpe?g|webp|gif)$/i;
/** Default cap on an image to animate (SORA_MAX_IMAGE_BYTES); adapters may pass their platform's. */
export const DEFAULT_MAX_IMAGE_BYTES = readSetting(MAX_IMAGE_BYTES);

export function isImage(a: Attachment): boolean {
  if (a.contentType) return IMAGE_TYPES.includes(a.contentType.split(";")[0].trim().toLowerCase());
  return IMAGE_EXT.test(a.name ?? new URL(a.url, "http://x").pathname);
}

function fold(s: string): string {
  // Full-width "：" (Japanese IME) and a space before the colon (French typography) must not defeat the prefix.
  return s.normalize("NFKC").toLowerCase().replace(/\s+:/g, ":");
}

/** Every locale's `replies.remixPrefix`, folded, longest first (so "remixar:" wins over a shorter prefix). */
export const REMIX_PREFIXES: readonly string[] = [...new Set(
  Object.values(RESOURCES).map((tree) => (tree.replies as Record<string, string> | undefined)?.remixPrefix)
    .filter((p): p is string => typeof p === "string" && p.length > 0)
    .map(fold),
)].sort((a, b) => b.length - a.length);

/** The text after a remix prefix, or undefined when the text does not start with one. */
export function stripRemixPrefix(text: string): string | undefined {
  const trimmed = text.trimStart();
  const folded = fold(trimmed);
  const prefix = REMIX_PREFIXES.find((p) => folded.startsWith(p));
  if (!prefix) return undefined;
  // Folding can change lengths (a space removed before ":"), so find the colon in the original instead.
  const colon = trimmed.search(/[:：]/);
  return trimmed.slice(colon + 1).trim();
}

export function resolveReply(input: ReplyInput, maxImageBytes = DEFAULT_MAX_IMAGE_BYTES): ReplyRequest {
  const text = input.text.trim();
  if (!input.parentClipId) return { kind: "ignore", why: "no-parent" };
  const parentClipId = input.parentClipId;
  if (input.attachments.length > 0) {
    const image = input.attachments.find(isImage);
    if (!image) throw new UserError("errors.notImage");
    if (image.size !== undefined && image.size > maxImageBytes) {
      throw new UserError("errors.imageTooLarge", { max: `${Math.floor(maxImageBytes / (1024 * 1024))} MiB` });
    }
    return { kind: "animate", parentClipId, prompt: stripRemixPrefix(text) ?? text, image };
  }
  if (!text) return { kind: "ignore", why: "empty" };
  const remix = stripRemixPrefix(text);
  if (remix !== undefined) {
    if (!remix) throw new UserError("errors.emptyPrompt");
    return { kind: "remix", parentClipId, prompt: remix };
  }
  return { kind: "extend", parentClipId, prompt: text };
}
