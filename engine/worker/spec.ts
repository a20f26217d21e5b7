// What a job asks the model to render, in one shape for every kind. Most kinds map one to one; a reroll becomes the
// render its parent was made with (read back from the parent's record), with a new seed. The stored record keeps the
// render as its `params`, so a reroll of a reroll works the same way.
import type { JobPlan } from "../pipeline/validate.ts";
import type { ClipJob, JobKind } from "../queue/schema.ts";
import type { ClipRecord } from "../store/types.ts";
import type { AspectRatio } from "../types.ts";
import { BadJob } from "./failures.ts";

/**
 * The job kinds the model renders, by the same names from the job through its render to the pipeline's plan: a
 * reroll renders as its parent did, a stitch joins clips without rendering. `loop` with a `source` loops that clip,
 * without one it renders a loop from text.
 */
export type RenderKind = Exclude<JobKind, "reroll" | "stitch">;
/** Compiles only while the pipeline plans exactly these kinds, under these names. */
const _plansEveryRenderKind: [RenderKind, JobPlan["kind"]] extends [JobPlan["kind"], RenderKind] ? true : never = true;
void _plansEveryRenderKind;

export interface RenderSpec {
  render: RenderKind;
  prompt: string;
  negativePrompt?: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  aspect?: AspectRatio;
  seconds?: number;
  /** The prompt verbatim (the job's raw); kept in the record, so a reroll keeps it too. */
  raw?: boolean;
  /** The clip whose frames condition the render (extend, remix, interpolate's start, loop of a clip). */
  source?: string;
  otherClipId?: string;
  imageRef?: string;
  direction?: "forward" | "backward";
  strength?: number;
}

/** Stored as ClipRecord.params: the spec as rendered (defaults filled in) and where it came from. */
export interface RenderParams extends Omit<RenderSpec, "prompt" | "seed"> {
  steps: number;
  guidance: number;
  aspect: AspectRatio;
  /** Frames the stored clip holds. */
  frames: number;
  jobId: string;
}

/** Remix strength when the job gives none (the CLI's default too). */
export const DEFAULT_STRENGTH = 0.6;

/**
 * Used when an animate job has no words. The pipeline needs a prompt; these are words the default model knows and
 * that ask for motion without naming any content, so the picture decides what the clip shows.
 */
export const ANIMATE_PROMPT = "the scene moves gently";

const RENDER_FIELDS = ["negativePrompt", "seed", "steps", "guidance", "aspect", "seconds", "raw"] as const;

function renderFields(job: ClipJob): Partial<RenderSpec> {
  const out: Partial<RenderSpec> = {};
  for (const k of RENDER_FIELDS) if (job[k] !== undefined) (out as Record<string, unknown>)[k] = job[k];
  return out;
}

const words = (s: string) => s.trim();

/**
 * The render for a job. `parent` is the job's parentClipId record (when it names one), already fetched: kinds that
 * continue a clip reuse its words when the job brings none. Throws BadJob for a reroll of a stitch.
 */
export function specForJob(job: ClipJob, parent?: ClipRecord): RenderSpec {
  const own = renderFields(job);
  const prompt = words(job.prompt) || parent?.prompt || "";
  switch (job.kind) {
    case "generate":
      return { render: "generate", prompt, ...own };
    case "extend":
      return { render: "extend", prompt, ...own, source: job.parentClipId, direction: job.direction ?? "forward" };
    case "remix":
      return { render: "remix", prompt, ...own, source: job.parentClipId, strength: job.strength ?? DEFAULT_STRENGTH };
    case "animate":
      return { render: "animate", prompt: prompt || ANIMATE_PROMPT, ...own, imageRef: job.imageRef };
    case "interpolate":
      return { render: "interpolate", prompt, ...own, source: job.parentClipId, otherClipId: job.otherClipId };
    case "loop":
      return { render: "loop", prompt, ...own, ...(job.parentClipId ? { source: job.parentClipId } : {}) };
    case "reroll": {
      if (!parent) throw new BadJob("queue.unknownClip", `no clip with id ${job.parentClipId}`);
      // The parent's render again: its words unless the job brings new ones, its settings unless the job overrides.
      const { seed: _seed, ...base } = specOfRecord(parent);
      return { ...base, prompt, ...own };
    }
    case "stitch":
      throw new Error("stitch jobs render nothing; see stitch.ts");
  }
}

/** How a stored clip was rendered: from its params when a worker stored it, else from its kind and parent. */
export function specOfRecord(rec: ClipRecord): RenderSpec {
  const p = rec.params as Partial<RenderParams> & Record<string, unknown>;
  const render = p.render ?? (rec.kind === "reroll" || rec.kind === "stitch" ? undefined : rec.kind);
  if (rec.kind === "stitch" || render === undefined) {
    throw new BadJob("queue.invalidJob", `clip ${rec.id} is a stitched video; there is nothing to reroll`);
  }
  const spec: RenderSpec = { render: render as RenderKind, prompt: rec.prompt, seed: rec.seed };
  const copy = [
    "negativePrompt", "steps", "guidance", "aspect", "seconds", "raw", "source", "otherClipId", "imageRef", "direction", "strength",
  ] as const;
  for (const k of copy) if (p[k] !== undefined) (spec as unknown as Record<string, unknown>)[k] = p[k];
  // Records stored before `raw` existed say `expand: false` for it.
  if (p.expand === false) spec.raw = true;
  // Records written by something other than this worker: the parent is the conditioning clip.
  if (p.render === undefined && rec.parentId !== undefined && render !== "generate" && render !== "animate") spec.source = rec.parentId;
  return spec;
}
