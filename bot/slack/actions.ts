// Buttons under clips and progress messages, and the Remix modal. A click is acknowledged at once and then handled
// by commands/index.ts handleButton; Remix opens a modal (views.open needs the click's trigger_id, which lives 3 s)
// whose submission runs commands/remix.ts. A new job from a click stays in the clicked message's thread.
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from "@slack/bolt";
import { COMMANDS, handleButton } from "../../commands/index.ts";
import { decodeButtonId } from "../../commands/buttons.ts";
import { parseModalPlace, remixView } from "./blocks.ts";
import { slackOrganizer } from "./challenge-command.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { unescapeSlack } from "./text.ts";

type Safely = (what: string, fn: () => Promise<void>) => void;

export function registerActions(app: App, deps: SlackDeps, safely: Safely): void {
  app.action<BlockAction<ButtonAction>>(/^sora:/, async ({ ack, body, action }) => {
    await ack();
    safely(`action ${action.action_id}`, () => onButton(deps, body, action));
  });

  app.view<ViewSubmitAction>(/^sora:remix:/, async ({ ack, body, view }) => {
    await ack();
    safely(`view ${view.id}`, async () => {
      const target = decodeButtonId(view.callback_id)?.target;
      const place = parseModalPlace(view.private_metadata);
      if (!target || !place) return;
      const values = view.state.values;
      const user = await deps.users.get(body.user.id);
      // A view is submitted once; its id names the submission on a redelivery.
      const ctx = new SlackContext(deps, { eventId: `view-${view.id}`, user, teamId: body.team?.id, channelId: place.channel, threadTs: place.threadTs });
      await COMMANDS.remix.handle(ctx, {
        clip: target,
        prompt: unescapeSlack(values.prompt?.prompt?.value ?? ""),
        strength: values.strength?.strength?.value ?? undefined,
      });
    });
  });
}

async function onButton(deps: SlackDeps, body: BlockAction<ButtonAction>, action: ButtonAction): Promise<void> {
  const channelId = body.channel?.id ?? (body.container.channel_id as string | undefined);
  const message = body.message;
  if (!channelId || !message) return;
  const user = await deps.users.get(body.user.id);
  // A challenge entry's Remove is an organizer's, checked as /challenge start and end check it: admins and owners,
  // and the members of SLACK_CHALLENGE_GROUP (looked up only for this button: it costs an API call).
  const organizer = decodeButtonId(action.action_id)?.action === "removeEntry"
    ? await slackOrganizer(deps.client, user, deps.challengeGroup, deps.log) : user.manager;
  // Clips and their buttons live in threads; a click on a top-level message continues in that message's thread.
  const threadTs = (message.thread_ts as string | undefined) ?? message.ts;
  const ctx = new SlackContext(deps, {
    eventId: `act-${body.user.id}-${action.action_ts}`, user: { ...user, organizer }, teamId: body.team?.id, channelId, threadTs, messageTs: message.ts,
    answerThreadTs: (message.thread_ts as string | undefined) ?? null,
  });
  const outcome = await handleButton(ctx, action.action_id);
  if (outcome === "open-remix-modal") {
    const target = decodeButtonId(action.action_id)!.target;
    await deps.client.views.open({ trigger_id: body.trigger_id, view: remixView(target, ctx.locale, { channel: channelId, threadTs }) });
    return;
  }
  if (outcome === "deleted") {
    await deps.delivery.deleted({ channel: channelId, ts: message.ts, ...(action.value ? { fileId: action.value } : {}) }, decodeButtonId(action.action_id)!.target, ctx.locale);
  }
}
