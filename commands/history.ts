// /history (Slack's and the playground's `/sora history`): the asker's own recent clips, newest first, each with a
// link to the message that shows it (Discord's message URL, Slack's permalink), so people find what to extend,
// remix or enter in a challenge. Only the asker sees it; deleted clips are left out. Prompts are shown cut short.
import { truncate } from "../engine/text.ts";
import { t } from "./i18n.ts";
import type { CommandContext, PostedClipRef } from "./context.ts";
import { define, type Args, type Command } from "./definition.ts";
import { UserError } from "./errors.ts";
import { guarded } from "./respond.ts";

export const definition = define("history", []);

/** Clips listed. */
export const HISTORY_SHOWN = 10;
/** A prompt in the list: enough to recognise it. */
const PROMPT_SHOWN = 80;
const DAY_S = 86_400;

/** How long ago, in the reader's language: a duration up to two days, then whole days. */
function age(locale: string, at: number, now: number): string | { seconds: number } {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  return seconds < 2 * DAY_S ? { seconds } : t(locale, "history.days", { count: Math.floor(seconds / DAY_S) });
}

async function link(ctx: CommandContext, ref: PostedClipRef): Promise<string | undefined> {
  if (ref.url) return ref.url;
  return ctx.messageLink ? ctx.messageLink(ref).catch(() => undefined) : undefined;
}

export async function handle(ctx: CommandContext, _args: Args): Promise<void> {
  await guarded(ctx, async () => {
    if (!ctx.history) throw new UserError("history.unavailable");
    const l = ctx.locale;
    const now = Date.now();
    // A few more than shown: some may have been deleted since.
    const refs = await ctx.history.recent(ctx.platform, ctx.user.id, HISTORY_SHOWN * 2);
    const lines: string[] = [];
    for (const ref of refs) {
      if (lines.length >= HISTORY_SHOWN) break;
      const clip = await ctx.clips.getClip(ref.clipId);
      if (!clip) continue;
      const href = await link(ctx, ref);
      const params = { rank: lines.length + 1, prompt: truncate(clip.prompt || clip.expandedPrompt || "—", PROMPT_SHOWN), age: age(l, ref.at, now) };
      lines.push(href ? t(l, "history.line", { ...params, link: href }) : t(l, "history.lineNoLink", { ...params, clip: clip.id }));
    }
    const text = [t(l, "history.title"), ...(lines.length ? lines : [t(l, "history.empty")])].join("\n");
    await ctx.reply({ key: lines.length ? "history.title" : "history.empty", text, ephemeral: true });
  });
}

export const history: Command = { definition, handle };
