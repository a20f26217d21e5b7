// Naming several clips in one command (/connect, /stitch of chosen clips): each by its id, or by a link to a message
// that shows it (the platform reads its own links: CommandContext.messageIdOf). Every clip named must be one of this
// conversation's: posted in this thread, or, outside threads, made in this channel, on this platform and server. A
// clip anywhere else (another server, another person's direct messages or playground session) is answered exactly
// like one that does not exist, so an id cannot be used to learn what other places hold.
import type { ClipInfo, CommandContext } from "./context.ts";
import { UserError } from "./errors.ts";

/** How a clip id looks (engine/store/naming.ts makes them `clip_…`). */
const CLIP_ID = /^[A-Za-z0-9_-]{1,200}$/;
/** What routeText may take for a clip reference in a one-box command: an id as the store makes them, or a link. */
export const LOOKS_LIKE_REF = /^(clip_[A-Za-z0-9_-]{1,195}|<?https?:\/\/\S+)$/;

/** The references in an option's text, in order: separated by spaces, commas or new lines. */
export function splitRefs(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).filter((r) => r !== "");
}

/** A reference as people typed it, shortened for an answer (it is shown as text, never used as a key). */
function shown(ref: string): string {
  return ref.length > 40 ? `${ref.slice(0, 39)}…` : ref;
}

/** The clip a reference names, if it is one of this conversation's; else a UserError that names the reference. */
export async function clipHere(ctx: CommandContext, ref: string): Promise<ClipInfo> {
  const clip = await lookUp(ctx, ref);
  if (!clip || !(await isHere(ctx, clip))) throw new UserError("errors.clipNotHere", { value: shown(ref) });
  return clip;
}

async function lookUp(ctx: CommandContext, ref: string): Promise<ClipInfo | undefined> {
  const messageId = ctx.messageIdOf?.(ref);
  if (messageId !== undefined) return (await ctx.clips.clipForMessage(ctx.platform, messageId)) ?? undefined;
  // Ids become store keys: anything else (a path, a URL of another site) is refused by name before the store sees it.
  if (!CLIP_ID.test(ref)) throw new UserError("errors.badClipId", { value: shown(ref) });
  return (await ctx.clips.getClip(ref)) ?? undefined;
}

async function isHere(ctx: CommandContext, clip: ClipInfo): Promise<boolean> {
  const o = clip.origin;
  if (o.platform !== ctx.platform || o.serverId !== ctx.server?.id) return false;
  const thread = ctx.where.threadId;
  if (thread) {
    if (o.conversation === thread) return true;
    return (await ctx.clips.clipsInThread?.(ctx.platform, thread))?.includes(clip.id) ?? false;
  }
  // Outside threads the channel is the conversation (a Slack slash command carries no thread).
  return ctx.where.channelId !== undefined && o.place?.channelId === ctx.where.channelId;
}

/** Seconds a stored clip plays; undefined when the lookup did not give its frames (the worker checks then). */
export function clipSeconds(clip: ClipInfo): number | undefined {
  const f = clip.frames;
  return f && f.fps > 0 ? f.count / f.fps : undefined;
}
