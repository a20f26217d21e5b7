// `/sora …`: acknowledged at once (Slack's 3-second limit), then routed like any one-box input (commands/route.ts):
// a prompt with inline flags, or `queue`, `info`, `cancel <job>`, `connect <clip> <clip>`, `stitch <clip> <clip> …`,
// `defaults …` in any shipped language (manifest.json's usage hint lists them; test/slack/units.test.ts keeps it so).
// Slash commands carry no files, so a /sora animates the image the person shared in the channel just before, if any
// (asks.ts).
import type { App } from "@slack/bolt";
import { ask } from "./asks.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { unescapeSlack } from "./text.ts";

export function registerCommand(app: App, deps: SlackDeps, command: string, safely: (what: string, fn: () => Promise<void>) => void): void {
  app.command(command, async ({ command: c, ack }) => {
    await ack();
    safely(`command ${c.trigger_id}`, async () => {
      const user = await deps.users.get(c.user_id);
      // A trigger id is unique per invocation and the same on a redelivery: the job's idempotency key.
      const ctx = new SlackContext(deps, { eventId: `cmd-${c.trigger_id}`, user, teamId: c.team_id, channelId: c.channel_id });
      const spot = { platform: "slack" as const, ...(c.team_id ? { serverId: c.team_id } : {}), channelId: c.channel_id, userId: c.user_id };
      await ask(ctx, deps, unescapeSlack(c.text ?? ""), spot);
    });
  });
}
