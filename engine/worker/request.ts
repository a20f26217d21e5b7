// RenderSpec → the pipeline request, with the conditioning media loaded from the store, and which of the frames the
// pipeline returns belong in the stored clip.
//
// A stored clip holds what it adds to the timeline of its lineage, so that stitching a lineage (stitch.ts) never
// shows anything twice: an extension holds only its new frames (before its parent when backward), an interpolation
// the frames between its parent and the other clip followed by the other clip. A remix, a reroll and a loop of a clip
// stand in for their parent instead, so they hold the whole clip (a loop: the parent and the bridge back to its start,
// which plays seamlessly on repeat).
import type { GenerateRequest, PipelineInfo } from "../pipeline/types.ts";
import { framesForSeconds } from "../pipeline/request.ts";
import type { ClipRecord, ClipStore } from "../store/index.ts";
import type { AspectRatio, Clip } from "../types.ts";
import { BadJob } from "./failures.ts";
import { aspectOfRecord, loadClipFrames, loadImage } from "./media.ts";
import { DEFAULT_STRENGTH, type RenderSpec } from "./spec.ts";

export interface PreparedRender {
  request: Omit<GenerateRequest, "onProgress" | "signal">;
  aspect: AspectRatio;
  /** The frames of the pipeline's clip that the stored clip keeps. */
  keep: (clip: Clip) => Clip;
  /** Seconds recorded in params; undefined where the length follows the source clip. */
  seconds?: number;
}

export interface RequestContext {
  store: ClipStore;
  info: PipelineInfo;
  /** The job's temporary folder. */
  dir: string;
  signal?: AbortSignal;
}

const slice = (clip: Clip, from: number, to: number): Clip => ({ ...clip, frames: clip.frames.slice(from, to) });
const all = (clip: Clip) => clip;

async function getRecord(store: ClipStore, id: string | undefined, field: string): Promise<ClipRecord> {
  const rec = id === undefined ? undefined : await store.getClip(id);
  if (!rec) throw new BadJob("queue.unknownClip", `${field}: no clip with id ${id}`);
  return rec;
}

/** A render that continues a clip rewrites its prompt against that clip's scene (pipeline/expand.ts). */
const continuing = (rec: ClipRecord) => ({ parentPrompt: rec.expandedPrompt || rec.prompt });

/** Conditioned renders keep their source's aspect; a different one asked for is refused rather than ignored. */
function sourceAspect(spec: RenderSpec, rec: ClipRecord, info: PipelineInfo): AspectRatio {
  const own = aspectOfRecord(rec, info);
  if (spec.aspect !== undefined && spec.aspect !== own) {
    throw new BadJob("queue.invalidJob", `aspect ${spec.aspect} does not match clip ${rec.id} (${own}); ${spec.render} keeps its clip's aspect`);
  }
  return own;
}

export async function prepareRender(spec: RenderSpec, ctx: RequestContext): Promise<PreparedRender> {
  const { store, info, dir, signal } = ctx;
  const base = {
    prompt: spec.prompt, negativePrompt: spec.negativePrompt, seed: spec.seed, steps: spec.steps, guidance: spec.guidance,
    expand: !spec.raw,
  };
  if (!base.prompt.trim()) throw new BadJob("queue.invalidJob", "the prompt is empty");
  const clipFrames = framesForSeconds(spec.seconds, info.fps, "clip");
  const moreFrames = framesForSeconds(spec.seconds, info.fps, "continuation");

  switch (spec.render) {
    case "generate": {
      const aspect = spec.aspect ?? "1:1";
      return { request: { ...base, aspect, frames: clipFrames }, aspect, keep: all, seconds: spec.seconds };
    }
    case "animate": {
      if (spec.imageRef === undefined) throw new BadJob("queue.invalidJob", "imageRef: is required for animate");
      const { image, aspect } = await loadImage(store, spec.imageRef, info, dir, spec.aspect, signal);
      // The picture is the subject: a rewrite would add a default red disc on black that it does not show.
      const request = { ...base, expand: false, aspect, frames: clipFrames, condition: { kind: "animate" as const, image } };
      return { request, aspect, keep: all, seconds: spec.seconds };
    }
    case "extend": {
      const rec = await getRecord(store, spec.source, "parentClipId");
      const aspect = sourceAspect(spec, rec, info);
      const parent = await loadClipFrames(store, rec, info, dir, aspect, signal);
      const n = parent.frames.length;
      const direction = spec.direction ?? "forward";
      return {
        request: { ...base, ...continuing(rec), aspect, frames: moreFrames, condition: { kind: "extend", parent, direction } },
        aspect,
        keep: direction === "forward" ? (c) => slice(c, n, c.frames.length) : (c) => slice(c, 0, c.frames.length - n),
        seconds: spec.seconds,
      };
    }
    case "remix": {
      const rec = await getRecord(store, spec.source, "parentClipId");
      const aspect = sourceAspect(spec, rec, info);
      const parent = await loadClipFrames(store, rec, info, dir, aspect, signal);
      // A remix keeps its parent's length: asking for seconds would only make the pipeline refuse.
      const strength = spec.strength ?? DEFAULT_STRENGTH;
      return { request: { ...base, ...continuing(rec), aspect, condition: { kind: "remix", parent, strength } }, aspect, keep: all };
    }
    case "interpolate": {
      const a = await getRecord(store, spec.source, "parentClipId");
      const b = await getRecord(store, spec.otherClipId, "otherClipId");
      const aspect = sourceAspect(spec, a, info);
      // The end clip is fitted to the start clip's size: both must be one size for the model.
      const [ca, cb] = [await loadClipFrames(store, a, info, dir, aspect, signal), await loadClipFrames(store, b, info, dir, aspect, signal)];
      const n = ca.frames.length;
      return {
        request: { ...base, ...continuing(a), aspect, frames: moreFrames, condition: { kind: "interpolate", a: ca, b: cb } },
        aspect,
        keep: (c) => slice(c, n, c.frames.length),
        seconds: spec.seconds,
      };
    }
    case "loop": {
      if (spec.source === undefined) {
        const aspect = spec.aspect ?? "1:1";
        return { request: { ...base, aspect, frames: clipFrames, condition: { kind: "loop" } }, aspect, keep: all, seconds: spec.seconds };
      }
      // Looping a clip: the frames from its end back to its start, made by interpolating the clip into itself; the
      // stored loop is the clip followed by that bridge. Its length is the clip's, so seconds do not apply.
      const rec = await getRecord(store, spec.source, "parentClipId");
      const aspect = sourceAspect(spec, rec, info);
      const clip = await loadClipFrames(store, rec, info, dir, aspect, signal);
      const n = clip.frames.length;
      return {
        request: { ...base, ...continuing(rec), aspect, condition: { kind: "interpolate", a: clip, b: clip } },
        aspect,
        keep: (c) => slice(c, 0, c.frames.length - n),
      };
    }
  }
}
