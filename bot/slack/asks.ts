// Messages outside a clip's thread. One that mentions the bot is a request, read like `/sora` with the rest of its
// text, its attached image animated (as Discord's image: option is); an image shared without a mention is remembered
// for the person's next /sora in that channel (bot/core/shared-images.ts), which slash commands need since they carry
// no files. Nothing else is answered, and nothing is fetched until a request uses the image.
import { COMMANDS } from "../../commands/index.ts";
import type { Attachment } from "../../commands/context.ts";
import { UserError, isUserError } from "../../commands/errors.ts";
import { isImage } from "../../commands/reply.ts";
import { say } from "../../commands/respond.ts";
import { routeText, type Routed } from "../../commands/route.ts";
import type { ImageSpot } from "../core/shared-images.ts";
import { SlackContext, type SlackDeps, type SlackRequest } from "./context.ts";
import { unescapeSlack } from "./text.ts";

/** A person's message as the listener read it. */
export interface PersonMessage {
  channel: string;
  user: string;
  text: string;
  ts: string;
  /** The thread it is in (never a clip's: those continue the clip). */
  threadTs?: string;
  attachments: Attachment[];
}

/** `<@U…>` or `<@U…|name>` naming the bot, anywhere in the raw text. */
function mentionOf(botUserId: string): RegExp | undefined {
  return /^[A-Z0-9]+$/i.test(botUserId) ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, "gi") : undefined;
}

export async function channelMessage(deps: SlackDeps, m: PersonMessage, teamId: string | undefined): Promise<void> {
  const spot: ImageSpot = { platform: "slack", ...(teamId ? { serverId: teamId } : {}), channelId: m.channel, userId: m.user };
  const mention = deps.botUserId ? mentionOf(deps.botUserId) : undefined;
  if (!mention?.test(m.text)) {
    const image = m.attachments.find(isImage);
    if (image) await deps.sharedImages?.remember(spot, image);
    return;
  }
  const user = await deps.users.get(m.user);
  // channel + ts names a message for good: Slack's redelivery of the same event maps to the same job.
  const req: SlackRequest = { eventId: `msg-${m.channel}-${m.ts}`, user, teamId, channelId: m.channel, messageTs: m.ts, ...(m.threadTs ? { threadTs: m.threadTs } : {}) };
  const ctx = new SlackContext(deps, req);
  await ask(ctx, deps, unescapeSlack(m.text.replace(mention, " ")), spot, m.attachments);
}

/**
 * Route the text like `/sora …` and run it; a /sora takes the message's image, else the one the person shared just
 * before. A file that is no image is refused by name rather than ignored: the person meant it to be used.
 */
export async function ask(ctx: SlackContext, deps: SlackDeps, text: string, spot: ImageSpot, attachments: Attachment[] = []): Promise<void> {
  let routed: Routed;
  try {
    routed = routeText(text);
    if (routed.command === "sora") {
      if (attachments.length && !attachments.some(isImage)) throw new UserError("errors.notImage");
      const image = attachments.find(isImage) ?? (await deps.sharedImages?.take(spot));
      if (image) routed.args.image = image;
    }
  } catch (err) {
    if (!isUserError(err)) throw err;
    return say(ctx, err.key, err.params);
  }
  await COMMANDS[routed.command].handle(ctx, routed.args);
}
