// A message that answers a clip: a reply to the clip's message, or a plain message in its thread. Not a slash
// command, but the same job path. What it means: a reply (or a plain message in a clip's thread) with an image
// animates the image; text starting with `remix:` in any shipped language remixes the clip; other text extends it.
import { MAX_IMAGE_BYTES } from "../engine/config/limits.ts";
import { readSetting } from "../engine/config/settings.ts";
import type { Attachment, ClipInfo, ClipLookup, CommandContext, Platform } from "./context.ts";
import { UserError } from "./errors.ts";
import { RENDER_OPTIONS } from "./flags.ts";
import { RESOURCES } from "./i18n.ts";
import { handle as extend } from "./extend.ts";
import { handle as remix } from "./remix.ts";
import { guarded } from "./respond.ts";
import { buildJob, checkPrompt, submit } from "./submit.ts";

/**
 * The clip a message continues: the clip of the message it replies to, else the newest clip of the thread it is in
 * (a plain message in a clip's thread continues the latest clip, as people expect from a conversation).
 */
export async function findParentClip(
  store: ClipLookup,
  platform: Platform,
  where: { replyToMessageId?: string; threadId?: string },
): Promise<ClipInfo | undefined> {
  if (where.replyToMessageId) {
    const clip = await store.clipForMessage(platform, where.replyToMessageId);
    if (clip) return clip;
  }
  if (!where.threadId) return undefined;
  // A thread started from a message carries that message's id (Discord does this), so a thread opened under a clip's
  // message, whose clips were made outside it, still resolves to that clip.
  return (await store.latestInThread(platform, where.threadId)) ?? (await store.clipForMessage(platform, where.threadId)) ?? undefined;
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

export type ImageExt = "png" | "jpg" | "gif" | "webp";

/** The pictures we animate: their stored extension and MIME type. */
export const IMAGE_TYPES: Readonly<Record<ImageExt, string>> = {
  png: "image/png", jpg: "image/jpeg", gif: "image/gif", webp: "image/webp",
};
const IMAGE_MIME = new Set(Object.values(IMAGE_TYPES));
const IMAGE_EXT = /\.(png|jpe?g|webp|gif)$/i;
/** Default cap on an image to animate (SORA_MAX_IMAGE_BYTES); adapters may pass their platform's. */
export const DEFAULT_MAX_IMAGE_BYTES = readSetting(MAX_IMAGE_BYTES);

export function isImage(a: Attachment): boolean {
  if (a.contentType) return IMAGE_MIME.has(a.contentType.split(";")[0].trim().toLowerCase());
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

export interface IncomingReply {
  text: string;
  attachments: readonly Attachment[];
  /** The message this one replies to, if any. */
  replyToMessageId?: string;
  /** The thread it was posted in, if any. */
  threadId?: string;
}

/** Resolves to true when the message was taken as a request (answered or queued), false when it was not for us. */
export async function handleReply(ctx: CommandContext, msg: IncomingReply): Promise<boolean> {
  let taken = true;
  await guarded(ctx, async () => {
    const parent = await findParentClip(ctx.clips, ctx.platform, { replyToMessageId: msg.replyToMessageId, threadId: msg.threadId });
    const req = resolveReply({ text: msg.text, attachments: msg.attachments, parentClipId: parent?.id });
    switch (req.kind) {
      case "ignore":
        taken = false;
        return;
      case "extend":
        return extend(ctx, { clip: req.parentClipId, prompt: req.prompt });
      case "remix":
        return remix(ctx, { clip: req.parentClipId, prompt: req.prompt });
      case "animate": {
        const checked = checkPrompt(ctx, { text: req.prompt, allowed: RENDER_OPTIONS, required: false });
        const imageRef = await ctx.importImage(req.image);
        await submit(ctx, buildJob(ctx, { kind: "animate", prompt: checked.prompt, options: checked.options, imageRef }));
      }
    }
  });
  return taken;
}
