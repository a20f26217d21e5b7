// A message that answers a clip: a reply to the clip's message, or a plain message in its thread. Not a slash
// command, but the same job path: bot/core/replies.ts decides what it means, the commands below do it.
import { findParentClip } from "../bot/core/clips.ts";
import { RENDER_OPTIONS } from "../bot/core/flags.ts";
import { resolveReply, type Attachment } from "../bot/core/replies.ts";
import type { CommandContext } from "./context.ts";
import { handle as extend } from "./extend.ts";
import { handle as remix } from "./remix.ts";
import { guarded } from "./respond.ts";
import { buildJob, checkPrompt, submit } from "./submit.ts";

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
