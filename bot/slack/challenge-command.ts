// `/challenge …` on Slack: acknowledged at once, then read as one text (commands/challenge-args.ts) in the person's
// language. Who may run challenges: workspace admins and owners, and members of the user group the operator named
// (SLACK_CHALLENGE_GROUP, a user group id; needs the usergroups:read scope). The command escapes channels, people and
// links (the manifest's should_escape), so `channel: #contest` arrives as <#C…|contest>, the one markup kept; a
// person or a link in a theme or prompt becomes the plain text it showed.
import type { App, webApi } from "@slack/bolt";
import { COMMANDS } from "../../commands/index.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { unescapeSlack } from "./text.ts";
import type { SlackUserInfo } from "./users.ts";

export const CHALLENGE_COMMAND = "/challenge";

/**
 * The command's escaped text as the person typed it: channel mentions stay Slack's <#C…|name> (what `channel:`
 * takes), <@U…|name> and <!here> become @name and @here, a link its label or address; then &lt; &gt; &amp; are
 * the characters again. Markup first: a "<" the person typed arrives as &lt; and is never read as markup.
 */
export function challengeText(text: string): string {
  const plain = text.replace(/<([^<>]*)>/g, (whole, inner: string) => {
    if (inner.startsWith("#")) return whole;
    const [target, label] = inner.split("|", 2) as [string, string | undefined];
    if (target.startsWith("@")) return `@${label ?? target.slice(1)}`;
    if (target.startsWith("!")) return label ?? `@${target.slice(1).split("^")[0]}`;
    return label ?? target;
  });
  return unescapeSlack(plain);
}

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
      await COMMANDS.challenge.handle(ctx, { action: challengeText(c.text ?? "") });
    });
  });
}
