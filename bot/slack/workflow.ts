// Workflow Builder's "Generate video clip" step: a custom function (app.function; legacy workflow steps are gone).
// Inputs: prompt, channel, seconds, aspect ratio (and optionally who asked). The clip is made like a /sora in that
// channel — progress message, clip in its thread — and the step completes with the clip's permalink and the job id.
// A job expected to outlast the execution token (or still running at the deadline) completes the step early with
// only the job id; the clip is posted to the channel all the same. Bad input fails the step with a clear message.
// Restarts: the job's delivery is in the DeliveryBook like any /sora's, so whichever process takes the job over posts
// the clip into the same thread. The step itself can only be completed through its execution's token, which lives in
// the event this process received: a clean shutdown (close) completes its waiting steps early with the job id, as at
// the deadline; after a crash nobody can, and Slack ends the step as timed out.
import type { App } from "@slack/bolt";
import { sora } from "../../commands/sora.ts";
import { isUserError } from "../../commands/errors.ts";
import { checkOptionValue } from "../../commands/flags.ts";
import { t, type Message } from "../../commands/i18n.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import { FUNCTION_CALLBACK_ID } from "./limits.ts";
import type { SlackUserInfo } from "./users.ts";

export interface WorkflowInputs {
  prompt: string;
  channel: string;
  seconds?: number;
  aspect?: string;
  user?: string;
}

/** Workflow Builder sends typed JSON, but a variable can be empty or a number can arrive as text: check everything. */
export function checkInputs(raw: Record<string, unknown> | undefined): WorkflowInputs | Message {
  const r = raw ?? {};
  const prompt = typeof r.prompt === "string" ? r.prompt.trim() : "";
  if (!prompt) return { key: "errors.emptyPrompt" };
  const channel = typeof r.channel === "string" ? r.channel.trim() : "";
  if (!/^[CGD][A-Z0-9]{2,}$/.test(channel)) return { key: "slack.workflow.badChannel", params: { value: String(r.channel ?? "") } };
  const out: WorkflowInputs = { prompt, channel };
  const given = (v: unknown) => v !== undefined && v !== null && v !== "";
  try {
    // The limits and messages of the /sora options themselves.
    if (given(r.seconds)) out.seconds = checkOptionValue("seconds", typeof r.seconds === "number" ? r.seconds : String(r.seconds));
    if (given(r.aspect_ratio)) out.aspect = checkOptionValue("aspect", String(r.aspect_ratio).trim(), "aspect_ratio");
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { key: err.key, params: err.params };
  }
  if (typeof r.user === "string" && /^[UW][A-Z0-9]{2,}$/.test(r.user)) out.user = r.user;
  return out;
}

interface FunctionEvent {
  function_execution_id: string;
  inputs?: Record<string, unknown>;
}

export interface WorkflowSteps {
  /** Shutting down: complete every step still waiting for its clip early, with the job id (the clip still comes). */
  close(): Promise<void>;
}

export function registerWorkflow(app: App, deps: SlackDeps, deadlineMs: number, safely: (what: string, fn: () => Promise<void>) => void): WorkflowSteps {
  /** Steps waiting for their job, by execution id: how to complete each one early. */
  const waiting = new Map<string, () => Promise<void>>();
  /** Set by close(): a step whose job is queued after that (its event was mid-way) is completed early at once. */
  let closed = false;
  app.function(FUNCTION_CALLBACK_ID, async ({ body, complete, fail }) => {
    const ev = (body as unknown as { event: FunctionEvent }).event;
    const teamId = (body as { team_id?: string }).team_id;
    const checked = checkInputs(ev.inputs);
    const user: SlackUserInfo = "prompt" in checked && checked.user
      ? await deps.users.get(checked.user)
      // No person given: the workflow itself asks. One id per workspace, so its runs share the rate limits.
      : { id: `workflow-${teamId ?? "slack"}`, locale: "en", manager: false };
    if (!("prompt" in checked)) {
      await fail({ error: t(user.locale, checked.key, checked.params) });
      return;
    }
    const ctx = new SlackContext(deps, { eventId: `fn-${ev.function_execution_id}`, user, teamId, channelId: checked.channel }, { silent: true });
    await sora.handle(ctx, { prompt: checked.prompt, seconds: checked.seconds, aspect: checked.aspect });
    const [jobId, job] = [...ctx.jobs][0] ?? [];
    if (!jobId || !job) {
      // A redelivered execution: the first delivery's listener completes the step.
      if (ctx.queued.some((q) => q.duplicate)) return;
      await fail({ error: ctx.replies[0]?.text ?? t(ctx.locale, "errors.internal") });
      return;
    }
    // The listener returns now; the step is completed when the job ends (or early), on its own.
    // The step is completed once: at the job's end, or early (deadline, shutdown) with the job id alone.
    let settled = false;
    const early = async () => {
      if (settled) return;
      settled = true;
      await complete({ outputs: { job_id: jobId } });
    };
    const execution = ev.function_execution_id;
    safely(`workflow step ${execution}`, async () => {
      if (closed) {
        await early();
        return;
      }
      waiting.set(execution, early);
      try {
        const outlasts = (job.etaSeconds ?? 0) * 1000 > deadlineMs;
        const ended = outlasts ? "deadline" : await Promise.race([job.done, deadline(deadlineMs)]);
        if (settled) return;
        const r = ended === "deadline" ? undefined : ended;
        // Completed without a clip here: another process took the job over (this one stalled) and posts it.
        if (!r || (r.outcome === "completed" && !r.posted)) {
          await early();
          return;
        }
        settled = true;
        if (r.outcome === "completed" && r.posted) {
          const link = await deps.client.chat.getPermalink({ channel: r.place.channel, message_ts: r.posted.messages[0]! });
          await complete({ outputs: { job_id: jobId, clip_permalink: link.permalink ?? "" } });
        } else {
          await fail({ error: t(ctx.locale, r.outcome === "cancelled" ? "queue.cancelled" : "slack.workflow.failed", { job: jobId }) });
        }
      } finally {
        waiting.delete(execution);
      }
    });
  });
  return {
    async close() {
      closed = true;
      const steps = [...waiting.entries()];
      waiting.clear();
      for (const [execution, early] of steps) {
        await early().catch((err) => deps.log(`slack: completing workflow step ${execution} at shutdown failed: ${(err as Error)?.message ?? err}`));
      }
    },
  };
}

function deadline(ms: number): Promise<"deadline"> {
  return new Promise((resolve) => setTimeout(() => resolve("deadline"), ms).unref());
}
