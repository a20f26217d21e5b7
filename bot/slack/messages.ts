// Messages in a clip's thread continue it (commands/reply.ts decides how: extend, a localized `remix:`, an image to
// animate). Elsewhere a message that mentions the bot asks like /sora, and an image shared without one waits for the
// person's next /sora (asks.ts). Other bots' (and our own) messages, edits and deletions are not requests; a message
// that neither mentions the bot nor shares an image is left alone without even a users.info call.
import type { App } from "@slack/bolt";
import { findParentClip, handleReply } from "../../commands/reply.ts";
import { channelMessage } from "./asks.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { toAttachment, type SlackFile } from "./files.ts";
import { unescapeSlack } from "./text.ts";

interface MessageEvent {
  type: "message";
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: SlackFile[];
}

/** Plain messages and messages with files; everything else (edits, joins, bot messages) has another subtype. */
const REQUEST_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

export function registerMessages(app: App, deps: SlackDeps, safely: (what: string, fn: () => Promise<void>) => void): void {
  app.event("message", async ({ event, body }) => {
    const m = event as unknown as MessageEvent;
    if (!REQUEST_SUBTYPES.has(m.subtype) || m.bot_id || !m.user) return;
    const inThread = !!m.thread_ts && m.thread_ts !== m.ts;
    const teamId = (body as { team_id?: string }).team_id;
    safely(`message ${m.channel}/${m.ts}`, async () => {
      const attachments = (m.files ?? []).map(toAttachment).filter((a) => a !== undefined);
      const parent = inThread ? await findParentClip(deps.clips, "slack", { threadId: m.thread_ts }) : undefined;
      if (!parent) {
        // Outside clip threads: a mention asks, a shared image waits for the next /sora (asks.ts).
        const threadTs = inThread ? { threadTs: m.thread_ts } : {};
        return channelMessage(deps, { channel: m.channel, user: m.user!, text: m.text ?? "", ts: m.ts, ...threadTs, attachments }, teamId);
      }
      const user = await deps.users.get(m.user!);
      // channel + ts names a message for good: Slack's redelivery of the same event maps to the same job.
      const ctx = new SlackContext(deps, { eventId: `msg-${m.channel}-${m.ts}`, user, teamId, channelId: m.channel, threadTs: m.thread_ts, messageTs: m.ts });
      await handleReply(ctx, { text: unescapeSlack(m.text ?? ""), attachments, threadId: m.thread_ts });
    });
  });
}
