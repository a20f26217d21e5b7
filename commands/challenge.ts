// /challenge start|submit|leaderboard|end|schedule|cancel: community prompt challenges, and the buttons that go with
// them (vote on an entry, a manager's remove, "Submit to challenge" under one's own clip). A challenge belongs to a
// channel of a server; its state and posts are the kernel's (ChallengeService, bot/core/challenges), the checks and
// the words are here. Themes and prompts are user text: checked for length and moderated, never parsed further.
import { TEXT_LIMITS } from "../engine/queue/limits.ts";
import { isBlank } from "../engine/text.ts";
import { parseDuration, readChallengeArgs, splitThemes, type ChallengeAction } from "./challenge-args.ts";
import { challengeLimits, DEFAULT_ENTRIES_PER_USER } from "./challenge-limits.ts";
import type { Author, Challenge, ChallengePlace, ChallengeService } from "./challenge-service.ts";
import type { CommandContext } from "./context.ts";
import { define, numberArg, option, stringArg, subcommand, type Args, type Command, type CommandDef, type OptionDef } from "./definition.ts";
import { UserError } from "./errors.ts";
import { RENDER_OPTIONS } from "./flags.ts";
import { moderate } from "./moderation.ts";
import { guarded, say } from "./respond.ts";
import { buildJob, checkPrompt, requireClip, submit } from "./submit.ts";

/** A theme is a headline, not an essay. */
export const THEME_MAX = 200;
/** Themes one schedule may hold. */
export const SCHEDULE_MAX = 20;

const opt = (name: string, type: OptionDef["type"], extra: Partial<OptionDef> = {}) => option("challenge", name, type, extra);
/** Where a challenge runs when it is not the channel the command was typed in. */
const channelOption = opt("channel", "channel");
const entriesOption = opt("entries-per-user", "integer", { min: 1, max: 100 });
const sub = (name: ChallengeAction, options: OptionDef[]) => subcommand("challenge", name, `challenge.actions.${name}`, options);

/** `/challenge start|submit|leaderboard|end|schedule|cancel`: one subcommand each (Discord shows them as such). */
export const definition: CommandDef = {
  ...define("challenge", []),
  subcommands: [
    sub("start", [
      opt("theme", "string", { required: true, maxLength: THEME_MAX }), opt("duration", "string", { required: true, maxLength: 20 }),
      entriesOption, channelOption,
    ]),
    sub("submit", [opt("prompt", "string", { required: true, maxLength: TEXT_LIMITS.prompt })]),
    sub("leaderboard", [channelOption]),
    sub("end", [channelOption]),
    sub("schedule", [
      opt("themes", "string", { required: true, maxLength: 3000 }), opt("every", "string", { required: true, maxLength: 20 }),
      entriesOption, channelOption,
    ]),
    sub("cancel", [channelOption]),
  ],
};

function service(ctx: CommandContext): ChallengeService {
  if (!ctx.challenges) throw new UserError("challenge.errors.unavailable");
  return ctx.challenges;
}

/** The channel a challenge runs in: commands from its threads count as the channel's. */
export function placeOf(ctx: CommandContext): ChallengePlace {
  const channelId = ctx.where.channelId ?? ctx.where.threadId;
  if (!ctx.server || !channelId) throw new UserError("challenge.errors.noPlace");
  return { platform: ctx.platform, serverId: ctx.server.id, channelId };
}

/** People's text shown back in a refusal: no markup of any platform survives (no mention, link or ping). */
function shown(raw: string): string {
  return raw.replace(/[<>&@!|`*_~]/g, "").slice(0, 40) || "—";
}

/**
 * The channel a command is about: the one named with `channel:` (only a channel mention of this platform, in this
 * server: never an id, a path or an address typed as text), else the one it was typed in.
 */
export function targetPlace(ctx: CommandContext, args: Args): ChallengePlace {
  const raw = stringArg(args, "channel")?.trim();
  if (!raw) return placeOf(ctx);
  if (!ctx.channels) throw new UserError("challenge.errors.noChannels");
  const channelId = ctx.channels.parse(raw);
  if (!channelId) throw new UserError("challenge.errors.badChannel", { value: shown(raw) });
  if (!ctx.server) throw new UserError("challenge.errors.noPlace");
  return { platform: ctx.platform, serverId: ctx.server.id, channelId };
}

/** "… in #contest" when the challenge is not the channel the command was typed in. */
function elsewhere(ctx: CommandContext, place: ChallengePlace): string | undefined {
  const here = ctx.where.channelId ?? ctx.where.threadId;
  return ctx.channels && place.channelId !== here ? ctx.channels.mention(place.channelId) : undefined;
}

function author(ctx: CommandContext): Author {
  return { userId: ctx.user.id, ...(ctx.user.name ? { name: ctx.user.name } : {}) };
}

function requireOrganizer(ctx: CommandContext): void {
  if (!ctx.user.organizer) throw new UserError("challenge.errors.notOrganizer");
}

async function requireRunning(ctx: CommandContext, place = placeOf(ctx)): Promise<Challenge> {
  const c = await service(ctx).running(place);
  if (!c) throw new UserError("challenge.errors.noneRunning");
  return c;
}

function checkTheme(ctx: CommandContext, raw: string | undefined): string {
  const theme = (raw ?? "").trim();
  if (isBlank(theme)) throw new UserError("challenge.errors.noTheme");
  if (theme.length > THEME_MAX) throw new UserError("challenge.errors.themeTooLong", { length: theme.length, max: THEME_MAX });
  moderate(ctx.blocklist, [theme], { platform: ctx.platform, userId: ctx.user.id, serverId: ctx.server?.id }, ctx.log);
  return theme;
}

function checkDuration(raw: string | undefined, missingKey: string): number {
  if (!raw?.trim()) throw new UserError(missingKey);
  const ms = parseDuration(raw);
  const { minMs, maxMs } = challengeLimits();
  if (ms < minMs || ms > maxMs) throw new UserError("challenge.errors.durationRange", { min: { seconds: minMs / 1000 }, max: { seconds: maxMs / 1000 } });
  return ms;
}

function entriesPerUser(args: Args): number {
  const raw = args["entries-per-user"];
  const n = typeof raw === "string" ? Number(raw.trim()) : numberArg(args, "entries-per-user");
  if (n === undefined || (typeof raw === "string" && raw.trim() === "")) return DEFAULT_ENTRIES_PER_USER;
  const { maxEntries } = challengeLimits();
  if (!Number.isInteger(n) || n < 1 || n > maxEntries) throw new UserError("challenge.errors.badEntries", { max: maxEntries, value: String(raw).slice(0, 20) });
  return n;
}

async function start(ctx: CommandContext, args: Args): Promise<void> {
  requireOrganizer(ctx);
  const theme = checkTheme(ctx, stringArg(args, "theme"));
  const durationMs = checkDuration(stringArg(args, "duration"), "challenge.errors.noDuration");
  const place = targetPlace(ctx, args);
  const c = await service(ctx).start(place, {
    theme, durationMs, entriesPerUser: entriesPerUser(args), by: author(ctx), locale: ctx.locale, eventId: ctx.eventId,
  });
  const duration = { seconds: Math.round((c.endsAt - c.startedAt) / 1000) };
  const channel = elsewhere(ctx, place);
  if (channel) await say(ctx, "challenge.startedIn", { theme: c.theme, duration, channel });
  else await say(ctx, "challenge.started", { theme: c.theme, duration });
}

async function schedule(ctx: CommandContext, args: Args): Promise<void> {
  requireOrganizer(ctx);
  const themes = splitThemes(stringArg(args, "themes") ?? stringArg(args, "theme"));
  if (!themes.length) throw new UserError("challenge.errors.noThemes");
  if (themes.length > SCHEDULE_MAX) throw new UserError("challenge.errors.tooManyThemes", { count: themes.length, max: SCHEDULE_MAX });
  const checked = themes.map((t) => checkTheme(ctx, t));
  const everyMs = checkDuration(stringArg(args, "every") ?? stringArg(args, "duration"), "challenge.errors.noEvery");
  const place = targetPlace(ctx, args);
  const c = await service(ctx).schedule(place, {
    themes: checked, everyMs, entriesPerUser: entriesPerUser(args), by: author(ctx), locale: ctx.locale, eventId: ctx.eventId,
  });
  const params = { theme: c.theme, count: checked.length, every: { seconds: Math.round(everyMs / 1000) } };
  const channel = elsewhere(ctx, place);
  if (channel) await say(ctx, "challenge.scheduledIn", { ...params, channel });
  else await say(ctx, "challenge.scheduled", params);
}

/** A new clip, made like /sora (same flags, limits and fairness), entered when it is done. */
async function submitPrompt(ctx: CommandContext, args: Args): Promise<void> {
  const c = await requireRunning(ctx);
  const checked = checkPrompt(ctx, { text: stringArg(args, "prompt") ?? "", allowed: RENDER_OPTIONS, required: true });
  const svc = service(ctx);
  await svc.reserve(c, author(ctx), ctx.eventId);
  let jobId: string;
  try {
    jobId = await submit(ctx, buildJob(ctx, { kind: "generate", prompt: checked.prompt, options: checked.options }));
  } catch (err) {
    await svc.release(c, author(ctx), ctx.eventId);
    throw err;
  }
  await svc.enterJob(c, jobId, author(ctx), ctx.eventId);
  await say(ctx, "challenge.submitted", { theme: c.theme });
}

export async function handle(ctx: CommandContext, args: Args): Promise<void> {
  await guarded(ctx, async () => {
    const { action, args: a } = readChallengeArgs(args);
    switch (action) {
      case "start":
        return start(ctx, a);
      case "schedule":
        return schedule(ctx, a);
      case "submit":
        return submitPrompt(ctx, a);
      case "leaderboard": {
        const c = await requireRunning(ctx, targetPlace(ctx, a));
        return ctx.reply({ key: "challenge.leaderboard.running", text: await service(ctx).leaderboardText(c, ctx.locale), ephemeral: true });
      }
      case "end": {
        requireOrganizer(ctx);
        const c = await requireRunning(ctx, targetPlace(ctx, a));
        await service(ctx).end(c);
        return say(ctx, "challenge.ending", { theme: c.theme });
      }
      case "cancel": {
        requireOrganizer(ctx);
        const c = await requireRunning(ctx, targetPlace(ctx, a));
        await service(ctx).cancel(c);
        return say(ctx, "challenge.cancelledReply", { theme: c.theme });
      }
    }
  });
}

const VOTE_ANSWERS = {
  added: "challenge.vote.added", removed: "challenge.vote.removed", self: "challenge.errors.selfVote",
  closed: "challenge.errors.votingClosed", gone: "challenge.errors.noEntry", rate: "challenge.errors.voteRate",
} as const;

/** The vote button under an entry: press to vote, press again to take it back. */
export async function voteButton(ctx: CommandContext, clipId: string): Promise<void> {
  await guarded(ctx, async () => {
    const r = await service(ctx).vote(clipId, { platform: ctx.platform, userId: ctx.user.id }, ctx.eventId);
    await say(ctx, VOTE_ANSWERS[r.result], { count: r.votes });
  });
}

/** A manager's Remove under an entry. */
export async function removeEntryButton(ctx: CommandContext, clipId: string): Promise<void> {
  await guarded(ctx, async () => {
    requireOrganizer(ctx);
    const c = await service(ctx).removeEntry(clipId);
    if (!c) throw new UserError("challenge.errors.noEntry");
    await say(ctx, "challenge.removed");
  });
}

/** "Submit to challenge" under a clip: one's own clip enters the challenge running in this channel. */
export async function enterButton(ctx: CommandContext, clipId: string): Promise<void> {
  await guarded(ctx, async () => {
    const c = await requireRunning(ctx);
    const clip = await requireClip(ctx, clipId);
    await service(ctx).enterClip(c, clip, author(ctx));
    await say(ctx, "challenge.entered", { theme: c.theme });
  });
}

export const challenge: Command = { definition, handle };
