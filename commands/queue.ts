// /queue: how busy the queue is and where the asker's jobs stand, or one job's status when an id is given.
import type { JobStatus } from "../engine/queue/producer.ts";
import { t } from "./i18n.ts";
import { overallPercent } from "./progress.ts";
import { UserError } from "./errors.ts";
import type { CommandContext } from "./context.ts";
import { define, option, stringArg, type Args, type Command } from "./definition.ts";
import { guarded } from "./respond.ts";

export const definition = define("queue", [option("queue", "job", "string")]);

/** One line for one job, in the reader's language. */
export function jobLine(locale: string, s: JobStatus): string {
  if (s.state === "waiting" && s.position !== undefined && s.etaSeconds !== undefined) {
    return t(locale, "status.jobPosition", { job: s.jobId, position: s.position + 1, eta: { seconds: s.etaSeconds } });
  }
  if (s.state === "running" && s.progress) {
    const percent = overallPercent({ state: "running", stage: s.progress.stage, step: s.progress.step, steps: s.progress.steps });
    return t(locale, "status.jobProgress", { job: s.jobId, percent });
  }
  return t(locale, "status.job", { job: s.jobId, state: t(locale, `status.state.${s.state}`) });
}

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const jobId = stringArg(args, "job")?.trim();
    let lines: string[];
    if (jobId) {
      const s = await ctx.producer.status(jobId);
      if (s.state === "unknown") throw new UserError("errors.unknownJob", { job: jobId });
      lines = [jobLine(ctx.locale, s)];
    } else {
      const info = await ctx.producer.queueInfo({ platform: ctx.platform, userId: ctx.user.id });
      const mine = info.mine ?? [];
      lines = [
        t(ctx.locale, "status.title"),
        t(ctx.locale, "status.counts", { waiting: info.waiting, running: info.running }),
        ...(mine.length ? mine.map((s) => jobLine(ctx.locale, s)) : [t(ctx.locale, "status.none")]),
      ];
    }
    await ctx.reply({ key: "status.title", text: lines.join("\n"), ephemeral: true });
  });
}

export const queue: Command = { definition, handle };
