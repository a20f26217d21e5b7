// `/sora …`: acknowledged at once (Slack's 3-second limit), then routed like any one-box input (commands/route.ts):
// a prompt with inline flags, or `queue`, `info`, `cancel <job>` in any shipped language.
import type { App } from "@slack/bolt";
import { COMMANDS } from "../../commands/index.ts";
import { routeText } from "../../commands/route.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { unescapeSlack } from "./text.ts";

export function registerCommand(app: App, deps: SlackDeps, command: string, safely: (what: string, fn: () => Promise<void>) => void): void {
  app.command(command, async ({ command: c, ack }) => {
    await ack();
    safely(`command ${c.trigger_id}`, async () => {
      const user = await deps.users.get(c.user_id);
      // A trigger id is unique per invocation and the same on a redelivery: the job's idempotency key.
      const ctx = new SlackContext(deps, { eventId: `cmd-${c.trigger_id}`, user, teamId: c.team_id, channelId: c.channel_id });
      const routed = routeText(unescapeSlack(c.text ?? ""));
      await COMMANDS[routed.command].handle(ctx, routed.args);
    });
  });
}
