// The clip job: one schema for every adapter, checked on enqueue and again in the worker (a job written by an older
// or buggy producer must fail fast with a reason, never half-run). Limits come from limits.ts, shared with commands/.
import { z } from "zod";
import { isBlank } from "../text.ts";
import { ASPECT_RATIOS, type AspectRatio } from "../types.ts";
import { JobValidationError, type ValidationIssue } from "./errors.ts";
import { PARAM_LIMITS, STITCH_LIMITS, TEXT_LIMITS } from "./limits.ts";

export const JOB_KINDS = ["generate", "extend", "remix", "reroll", "animate", "interpolate", "loop", "stitch"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const text = (max: number) =>
  z.string({ error: "must be text" }).max(max, { error: `must be at most ${max} characters` });
const id = (max: number) =>
  text(max)
    .min(1, { error: "must not be empty" })
    // Ids end up in Redis keys and file names: no whitespace or control characters.
    .regex(/^[^\s\p{Cc}]+$/u, { error: "must not contain spaces or control characters" });
/**
 * A clip's id as the store makes them (engine/store/naming.ts): letters, digits, _ and -. Anything else (a path, a
 * link) can name no stored clip, so it is refused here, by field, before any store is asked.
 */
const clipRef = () =>
  text(TEXT_LIMITS.ref)
    .min(1, { error: "must not be empty" })
    .regex(/^[A-Za-z0-9_-]+$/, { error: "must be a clip id (letters, digits, _ and -)" });

function range(lim: { min: number; max: number }, integer: boolean) {
  const base = z.number({ error: "must be a number" });
  const n = integer ? base.int({ error: "must be a whole number" }) : base;
  const msg = `must be between ${lim.min} and ${lim.max}`;
  return n.min(lim.min, { error: msg }).max(lim.max, { error: msg });
}

/**
 * Who asked and where the answer goes back. The engine reads only who: `platform` is the namespace of `userId` (ids
 * are unique only within one), `serverId` where a manager right holds and a server rate limit counts, `locale` the
 * reader's language. Everything about where the request came from is the caller's: `place` travels with the job and
 * its clip untouched, and `conversation` is compared, never read into (clips that share one are one conversation,
 * which retention keeps together).
 */
const originFields = z.strictObject({
  platform: id(TEXT_LIMITS.platformId),
  userId: id(TEXT_LIMITS.platformId),
  serverId: id(TEXT_LIMITS.platformId).optional(),
  locale: id(TEXT_LIMITS.locale),
  conversation: id(TEXT_LIMITS.platformId).optional(),
  place: z.record(z.string().max(32), id(TEXT_LIMITS.platformId), { error: "must map names to ids" })
    .refine((p) => Object.keys(p).length <= 8, { error: "must have at most 8 entries" })
    .optional(),
});

/** Jobs written before `place` existed carried these three at the top level: they move into `place`, unread. */
const EARLIER_PLACE = ["channelId", "threadId", "messageId"];

function withEarlierPlace(v: unknown): unknown {
  if (typeof v !== "object" || v === null || !EARLIER_PLACE.some((k) => k in v)) return v;
  const rest: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  const place: Record<string, unknown> = { ...(rest.place as Record<string, unknown> | undefined) };
  for (const k of EARLIER_PLACE) {
    if (rest[k] !== undefined) place[k] = rest[k];
    delete rest[k];
  }
  return { ...rest, place };
}

export const originSchema = z.preprocess(withEarlierPlace, originFields);
export type Origin = z.infer<typeof originFields>;

const jobFields = z.strictObject({
  kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(", ")}` }),
  eventId: id(TEXT_LIMITS.eventId),
  origin: originSchema,
  prompt: text(TEXT_LIMITS.prompt),
  negativePrompt: text(TEXT_LIMITS.negativePrompt).optional(),
  seed: range(PARAM_LIMITS.seed, true).optional(),
  steps: range(PARAM_LIMITS.steps, true).optional(),
  guidance: range(PARAM_LIMITS.guidance, false).optional(),
  aspect: z.enum(["1:1", "16:9", "9:16"] satisfies AspectRatio[], { error: `must be one of ${ASPECT_RATIOS.join(", ")}` })
    .optional(),
  seconds: range(PARAM_LIMITS.seconds, false).optional(),
  strength: range(PARAM_LIMITS.strength, false).optional(),
  /** Use the prompt verbatim: the model reads it as written, not rewritten into its caption style. */
  raw: z.boolean({ error: "must be true or false" }).optional(),
  parentClipId: clipRef().optional(),
  direction: z.enum(["forward", "backward"], { error: "must be forward or backward" }).optional(),
  otherClipId: clipRef().optional(),
  /** A stitch of chosen clips, in play order (parentClipId is the last of them); without it, the lineage is stitched. */
  parts: z.array(clipRef(), { error: "must be a list of clip ids" })
    .min(2, { error: "must name at least 2 clips" })
    .max(STITCH_LIMITS.parts, { error: `must name at most ${STITCH_LIMITS.parts} clips` })
    .optional(),
  imageRef: id(TEXT_LIMITS.ref).optional(),
});

type Field = keyof z.infer<typeof jobFields>;

/**
 * Which optional fields each kind needs and which it accepts. A field a kind would silently ignore is refused: it is
 * almost always an adapter bug (a flag parsed for the wrong command), and silently dropping it surprises the user.
 */
const KIND_RULES: Record<JobKind, { needs: Field[]; allows: Field[]; needsPrompt: boolean }> = {
  generate: { needs: [], allows: [], needsPrompt: true },
  // An extend without text continues the parent's prompt.
  extend: { needs: ["parentClipId"], allows: ["direction"], needsPrompt: false },
  remix: { needs: ["parentClipId"], allows: ["strength"], needsPrompt: true },
  // A reroll re-renders the parent's request with a new seed; text, when given, replaces the prompt.
  reroll: { needs: ["parentClipId"], allows: [], needsPrompt: false },
  animate: { needs: ["imageRef"], allows: [], needsPrompt: false },
  interpolate: { needs: ["parentClipId", "otherClipId"], allows: [], needsPrompt: false },
  // A loop either makes a seamless loop from a prompt, or loops an existing clip (parentClipId); see superRefine.
  loop: { needs: [], allows: ["parentClipId"], needsPrompt: false },
  // Stitching joins the lineage that ends at parentClipId, or the chosen `parts`; nothing is rendered, so render
  // params make no sense.
  stitch: { needs: ["parentClipId"], allows: ["parts"], needsPrompt: false },
};

/** Fields that only some kinds take; every other field is common to all kinds (except stitch, below). */
const KIND_SPECIFIC: Field[] = ["parentClipId", "direction", "otherClipId", "imageRef", "strength", "parts"];
const RENDER_PARAMS: Field[] = ["negativePrompt", "seed", "steps", "guidance", "aspect", "seconds", "raw"];

/** Jobs written before `raw` existed said `expand: false` for it (and `expand: true` for the default). */
function withEarlierRaw(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  const { expand, ...rest } = v as Record<string, unknown>;
  // Absent, or not true or false: left for the schema to judge.
  if (typeof expand !== "boolean") return v;
  return expand || rest.raw !== undefined ? rest : { ...rest, raw: true };
}

export const clipJobSchema = z.preprocess(withEarlierRaw, jobFields.superRefine((job, ctx) => {
  const rule = KIND_RULES[job.kind];
  for (const f of rule.needs) {
    if (job[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: `is required for ${job.kind}` });
  }
  for (const f of KIND_SPECIFIC) {
    if (job[f] !== undefined && !rule.needs.includes(f) && !rule.allows.includes(f)) {
      ctx.addIssue({ code: "custom", path: [f], message: `does not apply to ${job.kind}` });
    }
  }
  if (job.kind === "stitch") {
    for (const f of RENDER_PARAMS) {
      if (job[f] !== undefined) ctx.addIssue({ code: "custom", path: [f], message: "does not apply to stitch" });
    }
  }
  const needsPrompt = rule.needsPrompt || (job.kind === "loop" && job.parentClipId === undefined);
  if (needsPrompt && isBlank(job.prompt)) {
    ctx.addIssue({ code: "custom", path: ["prompt"], message: `must not be empty for ${job.kind}` });
  }
  if (job.parts !== undefined && job.parts[job.parts.length - 1] !== job.parentClipId) {
    ctx.addIssue({ code: "custom", path: ["parentClipId"], message: "must be the last of parts" });
  }
  if (job.kind === "interpolate" && job.parentClipId !== undefined && job.parentClipId === job.otherClipId) {
    ctx.addIssue({ code: "custom", path: ["otherClipId"], message: "must differ from parentClipId" });
  }
}));

export type ClipJob = z.infer<typeof jobFields>;

/** Check a job; returns it (unknown fields are refused, not stripped) or throws JobValidationError listing every issue. */
export function validateJob(input: unknown): ClipJob {
  const r = clipJobSchema.safeParse(input);
  if (r.success) return r.data;
  const issues: ValidationIssue[] = r.error.issues.map((iss) => {
    if (iss.code === "unrecognized_keys") {
      const where = iss.path.length ? `${iss.path.join(".")}.` : "";
      return { path: iss.path.join("."), message: `unknown field(s): ${iss.keys.map((k) => where + k).join(", ")}` };
    }
    return { path: iss.path.join("."), message: iss.message };
  });
  throw new JobValidationError(issues);
}
