// One job, start to stored clip: look for the clip an earlier attempt stored, prepare the render (conditioning media
// from the store), run the pipeline (or stitch clips), encode MP4 + preview + thumbnail, store with lineage.
// Errors are the caller's to classify; cancellation arrives as an aborted `signal`.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import type { Pipeline } from "../pipeline/types.ts";
import { encodePng } from "../synth/png.ts";
import type { ClipJob } from "../queue/schema.ts";
import type { ClipBlobs, ClipRecord, ClipStore, NewClip } from "../store/index.ts";
import type { Provenance } from "../video/index.ts";
import type { JobProgressReporter } from "./progress.ts";
import { BadJob } from "./failures.ts";
import { writeClipFiles, writePreviewFiles, type ClipFilePaths } from "./outputs.ts";
import { prepareRender } from "./request.ts";
import { specForJob, type RenderParams } from "./spec.ts";
import { stitchJob } from "./stitch.ts";

export interface RenderJobContext {
  pipeline: Pipeline;
  store: ClipStore;
  progress: JobProgressReporter;
  signal: AbortSignal;
  /** Denoise steps between progress previews (0 = none). */
  previewEvery: number;
  /** Called once the expensive part (model or ffmpeg work) begins: from then on the run counts for ETAs. */
  onWorkStarted: () => void;
}

/** Throws the signal's reason as an error when aborted, so no further work (and no store write) happens. */
function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error(`aborted: ${String(signal.reason)}`);
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

async function blobs(files: ClipFilePaths): Promise<ClipBlobs> {
  const blob = async (file: string) => ({ data: await readFile(file), ext: extname(file).slice(1).toLowerCase() });
  return {
    video: await blob(files.video),
    ...(files.preview ? { preview: await blob(files.preview) } : {}),
    ...(files.thumbnail ? { thumbnail: await blob(files.thumbnail) } : {}),
  };
}

/** Renders and stores the job's clip under `clipId`; returns the stored record. */
export async function renderJob(job: ClipJob, jobId: string, clipId: string, ctx: RenderJobContext): Promise<ClipRecord> {
  const { pipeline, store, progress, signal } = ctx;
  const info = pipeline.info;
  const dir = await mkdtemp(join(tmpdir(), "sora-job-"));
  try {
    progress.report("prepare", 0, 1);
    let rec: NewClip;
    let files: ClipFilePaths;
    if (job.kind === "stitch") {
      const provenance = (last: ClipRecord): Provenance => ({
        prompt: last.prompt, model: info.name, seed: last.seed, parent: job.parentClipId, extra: { clip_id: clipId, kind: "stitch" },
      });
      ctx.onWorkStarted();
      progress.report("encode", 0, 1);
      const s = await stitchJob(store, { parentClipId: job.parentClipId!, ...(job.parts ? { parts: job.parts } : {}) }, info, dir, provenance, signal);
      files = { video: s.videoFile, ...(await writePreviewFiles(s.clip, join(dir, "stitched"), { metadata: provenance(s.last), signal })) };
      progress.report("encode", 1, 1);
      rec = {
        id: clipId, parentId: job.parentClipId, kind: "stitch", prompt: s.last.prompt, expandedPrompt: s.last.expandedPrompt,
        seed: s.last.seed, params: { render: "stitch", parts: s.parts, jobId }, origin: job.origin,
        frames: { width: s.clip.width, height: s.clip.height, fps: s.clip.fps, count: s.clip.frames.length },
      };
    } else {
      const parent = job.parentClipId === undefined ? undefined : await store.getClip(job.parentClipId);
      if (job.parentClipId !== undefined && !parent) throw new BadJob("queue.unknownClip", `parentClipId: no clip with id ${job.parentClipId}`);
      const spec = specForJob(job, parent);
      const prepared = await prepareRender(spec, { store, info, dir, signal });
      progress.report("prepare", 1, 1);
      progress.expectSteps(prepared.request.steps ?? info.defaultSteps);
      checkAborted(signal);
      ctx.onWorkStarted();
      const result = await pipeline.generate({
        ...prepared.request, signal, previewEvery: ctx.previewEvery,
        onProgress: (p) => {
          if (!p.preview) return progress.report(p.stage, p.step, p.steps);
          const { data, width, height } = p.preview;
          progress.reportPreview(p.stage, p.step, p.steps, () => store.putBlob(encodePng(data, width, height), "png", "preview"));
        },
      });
      const clip = prepared.keep(result.clip);
      const params: RenderParams = dropUndefined({
        render: spec.render, source: spec.source, otherClipId: spec.otherClipId, imageRef: spec.imageRef,
        direction: spec.direction, strength: spec.strength, negativePrompt: spec.negativePrompt, raw: spec.raw,
        steps: prepared.request.steps ?? info.defaultSteps, guidance: prepared.request.guidance ?? info.defaultGuidance,
        aspect: prepared.aspect, seconds: prepared.seconds, frames: clip.frames.length, jobId,
      });
      const metadata: Provenance = {
        prompt: result.prompt, model: info.name, seed: result.seed, negativePrompt: spec.negativePrompt, steps: params.steps,
        guidance: params.guidance, parent: job.parentClipId,
        extra: { expanded_prompt: result.expandedPrompt, clip_id: clipId, kind: job.kind },
      };
      progress.report("encode", 0, 1);
      files = await writeClipFiles(clip, join(dir, "clip.mp4"), { preview: true, metadata, signal });
      progress.report("encode", 1, 1);
      rec = {
        id: clipId, parentId: job.parentClipId, kind: job.kind, prompt: result.prompt, expandedPrompt: result.expandedPrompt,
        layout: result.layout?.objects.map((o) => [o.color, o.shape, o.motion].join(" ")),
        seed: result.seed, params: { ...params }, origin: job.origin,
        frames: { width: clip.width, height: clip.height, fps: clip.fps, count: clip.frames.length },
      };
    }
    // A cancel that arrived while encoding still wins: nothing is stored.
    checkAborted(signal);
    progress.report("store", 0, 1);
    const stored = await store.putClip(dropUndefined(rec), await blobs(files));
    progress.report("store", 1, 1);
    return stored;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
