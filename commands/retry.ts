// The Retry button under a progress message whose job the queue lost (Redis flushed or restarted empty): the request,
// kept by the follower that noticed (bot/core/lost-jobs.ts), is sent again as new, from where the button was pressed.
// Only its owner may, and only once.
import { isOwner } from "../engine/queue/identity.ts";
import { UserError } from "./errors.ts";
import { actorOf, type CommandContext } from "./context.ts";
import { guarded } from "./respond.ts";
import { buildJob, submit } from "./submit.ts";

export async function retryLostJob(ctx: CommandContext, jobId: string): Promise<void> {
  await guarded(ctx, async () => {
    const lost = await ctx.lostJobs?.get(jobId);
    if (!lost) throw new UserError("errors.cannotRetry");
    if (!isOwner(lost.origin, actorOf(ctx))) throw new UserError("queue.notAllowed");
    if (!(await ctx.lostJobs!.forget(jobId))) throw new UserError("errors.cannotRetry"); // pressed twice: once is enough
    // The same request, as a new event from here: this button press is its idempotency key.
    const here = buildJob(ctx, { kind: lost.kind, prompt: lost.prompt });
    await submit(ctx, { ...lost, eventId: here.eventId, origin: here.origin });
  });
}
