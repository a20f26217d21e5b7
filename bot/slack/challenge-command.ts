// `/challenge …` on Slack: acknowledged at once, then read as one text (commands/challenge-args.ts) in the person's
// language. Who may run challenges: workspace admins and owners, and members of the user group the operator named
// (SLACK_CHALLENGE_GROUP, a user group id; needs the usergroups:read scope).
import type { App, webApi } from "@slack/bolt";
import { COMMANDS } from "../../commands/index.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { unescapeSlack } from "./text.ts";
import type { SlackUserInfo } from "./users.ts";

export const CHALLENGE_COMMAND = "/challenge";

/** Admins, owners, and the configured group's members (looked up per request: groups change). */
export async function slackOrganizer(client: webApi.WebClient, user: SlackUserInfo, group: string | undefined, log: (l: string) => void): Promise<boolean> {
  if (user.manager) return true;
  if (!group) return false;
  try {
    const r = await client.usergroups.users.list({ usergroup: group });
    return (r.users ?? []).includes(user.id);
  } catch (err) {
    log(`slack: usergroups.users.list ${group} failed: ${(err as Error)?.message ?? err}`);
    return false;
  }
}

export function registerChallengeCommand(app: App, deps: SlackDeps, group: string | undefined, safely: (what: string, fn: () => Promise<void>) => void): void {
  app.command(CHALLENGE_COMMAND, async ({ command: c, ack }) => {
    await ack();
    safely(`command ${c.trigger_id}`, async () => {
      const user = await deps.users.get(c.user_id);
      const organizer = await slackOrganizer(deps.client, user, group, deps.log);
      const ctx = new SlackContext(deps, { eventId: `cmd-${c.trigger_id}`, user: { ...user, organizer }, teamId: c.team_id, channelId: c.channel_id });
      await COMMANDS.challenge.handle(ctx, { action: unescapeSlack(c.text ?? "") });
    });
  });
}
