// Answering the user from a handler: render a key in the reader's locale, and turn any failure into a reply. A
// UserError (or a queue error with a locales/ key) is the user's to fix and is shown as is; anything else is ours,
// so the user gets a generic apology and the operator log gets the detail.
import { fromQueueError, isUserError } from "./errors.ts";
import { t, type Params } from "./i18n.ts";
import type { CommandContext } from "./context.ts";

export function say(ctx: CommandContext, key: string, params: Params = {}, ephemeral = true): Promise<void> {
  return ctx.reply({ key, params, text: t(ctx.locale, key, params), ephemeral });
}

/** Run a handler body; every error ends as one ephemeral reply. */
export async function guarded(ctx: CommandContext, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const known = isUserError(err) ? err : fromQueueError(err);
    if (known) return say(ctx, known.key, known.params);
    (ctx.log ?? console.warn)(`command failed: platform=${ctx.platform} user=${ctx.user.id} event=${ctx.eventId}: ${(err as Error)?.stack ?? err}`);
    return say(ctx, "errors.internal");
  }
}
