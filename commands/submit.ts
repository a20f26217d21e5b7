// The path every clip-making command shares: inline flags → prompt checks → moderation → job → server defaults →
// enqueue → first progress message. Keeping it in one place means /sora, a button and a thread reply refuse the
// same things the same way.
import { TEXT_LIMITS } from "../engine/queue/limits.ts";
import type { ClipJob, JobKind } from "../engine/queue/schema.ts";
import { isBlank } from "../engine/text.ts";
import type { ClipInfo, CommandContext } from "./context.ts";
import { UserError } from "./errors.ts";
import { applyMotion, parseInlineFlags, type OptionName, type PromptOptions } from "./flags.ts";
import { resolveLocale } from "./i18n.ts";
import { moderate } from "./moderation.ts";
import { renderProgress, type ProgressSnapshot } from "./progress.ts";
import { withDefaults } from "./server-defaults.ts";
import { say } from "./respond.ts";

export interface PromptInput {
  /** The user's text, inline flags included. */
  text: string;
  /** Options the platform gave separately (slash-command options); they win over the same inline flag. */
  explicit?: PromptOptions;
  /** Which options this command takes. */
  allowed: readonly OptionName[];
  /** generate and remix need words; extend and reroll can reuse the parent's. */
  required: boolean;
}

export interface CheckedPrompt {
  prompt: string;
  options: PromptOptions;
}

/** Parse, check and moderate what the user typed. Throws UserError. */
export function checkPrompt(ctx: CommandContext, input: PromptInput): CheckedPrompt {
  const parsed = parseInlineFlags(input.text, input.allowed);
  const options: PromptOptions = { ...parsed.options };
  for (const [k, v] of Object.entries(input.explicit ?? {})) if (v !== undefined) (options as Record<string, unknown>)[k] = v;
  // Only invisible characters (zero-width spaces, direction marks) is no text at all.
  const words = isBlank(parsed.prompt) ? "" : parsed.prompt;
  if (input.required && !words) throw new UserError("errors.emptyPrompt");
  if (options.negativePrompt !== undefined && isBlank(options.negativePrompt)) delete options.negativePrompt;
  moderate(ctx.blocklist, [words, options.negativePrompt],
    { platform: ctx.platform, userId: ctx.user.id, serverId: ctx.server?.id }, ctx.log);
  const prompt = applyMotion(words, options.motion);
  if (prompt.length > TEXT_LIMITS.prompt) throw new UserError("errors.promptTooLong", { length: prompt.length, max: TEXT_LIMITS.prompt });
  return { prompt, options };
}

/** What a clip id looks like (engine/store/naming.ts). */
const CLIP_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** The parent clip a command names, or a UserError the user understands. */
export async function requireClip(ctx: CommandContext, clipId: string | undefined): Promise<ClipInfo> {
  const id = clipId?.trim() ?? "";
  // Clip ids become store keys: anything else is refused here, by name, before the store sees it.
  if (id && !CLIP_ID.test(id)) throw new UserError("errors.badClipId", { value: id.length > 40 ? `${id.slice(0, 39)}…` : id });
  const clip = id ? await ctx.clips.getClip(id) : undefined;
  if (!clip) throw new UserError("errors.unknownClip");
  return clip;
}

export interface JobSpec {
  kind: JobKind;
  prompt: string;
  options?: PromptOptions;
  parentClipId?: string;
  /** interpolate: the clip to arrive at. */
  otherClipId?: string;
  /** stitch: the chosen clips, in play order. */
  parts?: string[];
  direction?: "forward" | "backward";
  imageRef?: string;
}

/** Build the queue's job from a checked request: only fields that are set, as the schema refuses stray ones. */
export function buildJob(ctx: CommandContext, spec: JobSpec): ClipJob {
  const o = spec.options ?? {};
  const place = Object.fromEntries(Object.entries(ctx.where).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
  const job: ClipJob = {
    kind: spec.kind,
    eventId: ctx.eventId,
    origin: {
      platform: ctx.platform,
      userId: ctx.user.id,
      locale: resolveLocale(ctx.locale),
      ...(ctx.server ? { serverId: ctx.server.id } : {}),
      // The engine keeps these for us without reading them: the thread is the clip's conversation (retention keeps a
      // conversation's clips together), the place is where the request came from.
      ...(ctx.where.threadId ? { conversation: ctx.where.threadId } : {}),
      ...(Object.keys(place).length ? { place } : {}),
    },
    prompt: spec.prompt,
  };
  const fields: Partial<ClipJob> = {
    negativePrompt: o.negativePrompt, seed: o.seed, steps: o.steps, guidance: o.guidance, aspect: o.aspect,
    seconds: o.seconds, strength: o.strength, raw: o.raw ? true : undefined,
    parentClipId: spec.parentClipId, otherClipId: spec.otherClipId, parts: spec.parts, direction: spec.direction, imageRef: spec.imageRef,
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (job as Record<string, unknown>)[k] = v;
  return job;
}

/**
 * The job with the server's /defaults filled in for whatever the user left unset (server-defaults.ts says
 * which settings each kind takes). A defaults store that fails is logged and skipped: the clip still goes out.
 */
export async function applyServerDefaults(ctx: CommandContext, job: ClipJob): Promise<ClipJob> {
  if (!ctx.defaults || !ctx.server) return job;
  try {
    return withDefaults(job, await ctx.defaults.get(ctx.platform, ctx.server.id));
  } catch (err) {
    (ctx.log ?? console.warn)(`server defaults: could not read platform=${ctx.platform} server=${ctx.server.id}: ${(err as Error)?.message ?? err}`);
    return job;
  }
}

/** Enqueue and show where the job stands. A redelivered event gets a short note instead of a second job. */
export async function submit(ctx: CommandContext, job: ClipJob): Promise<string> {
  const r = await ctx.producer.enqueue(await applyServerDefaults(ctx, job));
  ctx.enqueued?.({ jobId: r.jobId, duplicate: r.duplicate });
  if (r.duplicate) {
    await say(ctx, "progress.duplicate");
    return r.jobId;
  }
  const snapshot: ProgressSnapshot = { state: "queued", position: r.position ?? 0, etaSeconds: r.etaSeconds };
  await ctx.progress({ jobId: r.jobId, snapshot, text: renderProgress(snapshot, ctx.locale) });
  return r.jobId;
}
