// Workflow Builder steps for prompt challenges (custom functions, like workflow.ts's "Generate video clip"):
// "Start a prompt challenge" (theme, duration, channel, entries per person, started by) and "Submit to a challenge"
// (prompt, channel, entered by). Each runs /challenge exactly as the slash command does, as the person named: only
// an organizer can start one, and an entry counts against its author's limits. Bad input or a refusal fails the step
// with the reason in that person's language.
import type { App } from "@slack/bolt";
import { COMMANDS } from "../../commands/index.ts";
import { t } from "../../commands/i18n.ts";
import { slackOrganizer } from "./challenge-command.ts";
import { SlackContext, type SlackDeps } from "./context.ts";

export const START_CHALLENGE_FUNCTION = "start_prompt_challenge";
export const SUBMIT_CHALLENGE_FUNCTION = "submit_to_challenge";

interface FunctionEvent {
  function_execution_id: string;
  inputs?: Record<string, unknown>;
}

const text = (v: unknown) => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "");

export function registerChallengeWorkflow(app: App, deps: SlackDeps, group: string | undefined): void {
  const step = (callbackId: string, run: (ctx: SlackContext, inputs: Record<string, unknown>, teamId: string | undefined) => Promise<Record<string, string> | undefined>) => {
    app.function(callbackId, async ({ body, complete, fail }) => {
      const ev = (body as unknown as { event: FunctionEvent }).event;
      const teamId = (body as { team_id?: string }).team_id;
      const inputs = ev.inputs ?? {};
      const channel = text(inputs.channel);
      const userId = text(inputs.user);
      if (!/^[CG][A-Z0-9]{2,}$/.test(channel)) return void (await fail({ error: t("en", "slack.workflow.badChannel", { value: channel }) }));
      if (!/^[UW][A-Z0-9]{2,}$/.test(userId)) return void (await fail({ error: t("en", "challenge.errors.notOrganizer") }));
      const user = await deps.users.get(userId);
      const organizer = await slackOrganizer(deps.client, user, group, deps.log);
      // A redelivered execution has the same id: the same event, so the same challenge or the same job.
      const ctx = new SlackContext(deps, { eventId: `fn-${ev.function_execution_id}`, user: { ...user, organizer }, teamId, channelId: channel }, { silent: true });
      const outputs = await run(ctx, inputs, teamId);
      if (outputs) await complete({ outputs });
      else await fail({ error: ctx.replies[0]?.text ?? t(ctx.locale, "errors.internal") });
    });
  };

  step(START_CHALLENGE_FUNCTION, async (ctx, inputs, teamId) => {
    const entries = text(inputs.entries_per_user);
    await COMMANDS.challenge.handle(ctx, {
      action: "start", theme: text(inputs.theme), duration: text(inputs.duration), ...(entries ? { "entries-per-user": entries } : {}),
    });
    if (ctx.replies[0]?.key !== "challenge.started" || !ctx.challenges) return undefined;
    const c = await ctx.challenges.running({ platform: "slack", serverId: teamId ?? "", channelId: ctx.where.channelId! });
    return c ? { challenge_id: c.id, gallery_url: ctx.challenges.galleryUrl(c.id) ?? "" } : undefined;
  });

  step(SUBMIT_CHALLENGE_FUNCTION, async (ctx, inputs) => {
    await COMMANDS.challenge.handle(ctx, { action: "submit", prompt: text(inputs.prompt) });
    const job = ctx.queued[0];
    return ctx.replies.at(-1)?.key === "challenge.submitted" && job ? { job_id: job.jobId } : undefined;
  });
}
