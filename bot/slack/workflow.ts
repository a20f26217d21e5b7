// Workflow Builder's "Generate video clip" step: a custom function (app.function; legacy workflow steps are gone).
// Inputs: prompt, channel, seconds, aspect ratio (and optionally who asked). The clip is made like a /sora in that
// channel — progress message, clip in its thread — and the step completes with the clip's permalink and the job id.
// A job expected to outlast the execution token (or still running at the deadline) completes the step early with
// only the job id; the clip is posted to the channel all the same. Bad input fails the step with a clear message.
import type { App } from "@slack/bolt";
import { sora } from "../../commands/sora.ts";
import { PARAM_LIMITS } from "../../engine/queue/limits.ts";
import { ASPECT_RATIOS } from "../../engine/types.ts";
import { t, type Message } from "../core/i18n.ts";
import { SlackContext, type SlackDeps } from "./context.ts";
import type { Tracked } from "./jobs.ts";
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
  if (r.seconds !== undefined && r.seconds !== null && r.seconds !== "") {
    const n = typeof r.seconds === "number" ? r.seconds : Number(String(r.seconds).replace(",", "."));
    const { min, max } = PARAM_LIMITS.seconds;
    if (!Number.isFinite(n) || n < min || n > max) return { key: "errors.badNumber", params: { flag: "seconds", min, max, value: String(r.seconds) } };
    out.seconds = n;
  }
  if (r.aspect_ratio !== undefined && r.aspect_ratio !== null && r.aspect_ratio !== "") {
    const a = String(r.aspect_ratio).trim();
    if (!(ASPECT_RATIOS as readonly string[]).includes(a)) return { key: "errors.badChoice", params: { flag: "aspect_ratio", choices: ASPECT_RATIOS.join(", "), value: a } };
    out.aspect = a;
  }
  if (typeof r.user === "string" && /^[UW][A-Z0-9]{2,}$/.test(r.user)) out.user = r.user;
  return out;
}

interface FunctionEvent {
  function_execution_id: string;
  inputs?: Record<string, unknown>;
}

export function registerWorkflow(app: App, deps: SlackDeps, deadlineMs: number, safely: (what: string, fn: () => Promise<void>) => void): void {
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
      if (ctx.replies.some((r) => r.key === "progress.duplicate")) return;
      await fail({ error: ctx.replies[0]?.text ?? t(ctx.locale, "errors.internal") });
      return;
    }
    // The listener returns now; the step is completed when the job ends (or early), on its own.
    safely(`workflow step ${ev.function_execution_id}`, async () => {
      const outlasts = (job.etaSeconds ?? 0) * 1000 > deadlineMs;
      const ended = outlasts ? "deadline" : await Promise.race([job.done, deadline(deadlineMs)]);
      if (ended === "deadline") {
        await complete({ outputs: { job_id: jobId } });
        return;
      }
      const r = ended as Tracked;
      if (r.outcome === "completed" && r.clip) {
        const link = await deps.client.chat.getPermalink({ channel: r.clip.channel, message_ts: r.clip.ts });
        await complete({ outputs: { job_id: jobId, clip_permalink: link.permalink ?? "" } });
      } else {
        await fail({ error: t(ctx.locale, r.outcome === "cancelled" ? "queue.cancelled" : "slack.workflow.failed", { job: jobId }) });
      }
    });
  });
}

function deadline(ms: number): Promise<"deadline"> {
  return new Promise((resolve) => setTimeout(() => resolve("deadline"), ms).unref());
}
