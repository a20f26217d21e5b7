// The denoiser's layout input (CONTRACTS §8) for a request: the scene the prompt rewrite completed (parsed prompt →
// completeScene, the same scene the rewritten caption describes), its objects' tracks on the clip's timeline, and
// the per-pass tensor built from them by engine/synth/layout.ts, the code training used.
import {
  LAYOUT_CHANNELS, LAYOUT_MAX_OBJECTS, buildLayout, isBuildableLayout, layoutTracks, objectAttrs, type LayoutPoint, type Scene, type SceneObject,
} from "../synth/index.ts";

/** model_index.json's "layout" (null or absent: the pack's denoiser has no layout input). */
export interface LayoutSpec {
  input: "layout";
  channels: string[];
  token_px: number;
  samples: number;
  clip_frames: number;
  max_objects: number;
}

/** Why a pack's layout cannot be built by this engine, or null when it can. */
export function layoutMismatch(spec: LayoutSpec, cell: number): string | null {
  if (spec.input !== "layout") return `"input" must be "layout"`;
  if (!Array.isArray(spec.channels) || !isBuildableLayout(spec.channels)) {
    return `channels [${String(spec.channels)}] differ from this engine's [${LAYOUT_CHANNELS.join()}] (engine/synth/layout.ts)`;
  }
  if (spec.token_px !== cell) return `token_px ${spec.token_px} differs from the pack's ${cell}-pixel tokens`;
  if (spec.clip_frames !== 17 || spec.max_objects !== 3) return "clip_frames must be 17 and max_objects 3";
  return null;
}

/** The layout a request runs with. */
export interface RequestLayout {
  scene: Scene;
  /** The pack's layout channels (the disc-only layout of earlier packs, or the full one). */
  channels: readonly string[];
  width: number;
  height: number;
  /**
   * A forward extension: the scene of the clip it continues and that clip's length. The timeline is then the
   * parent's: its frames are where the parent's layout had its objects, later frames continue them (extendedTracks).
   */
  parent?: { scene: Scene; frames: number };
}

/** What the result reports: the objects the layout placed (GenerateResult.layout, the CLI's --json). */
export type LayoutSummary = { objects: Array<Pick<SceneObject, "color" | "shape" | "size" | "motion" | "speed" | "start"> & { diagonal?: string }> };

export function summarize(layout: RequestLayout): LayoutSummary {
  return {
    objects: layout.scene.objects.map((o) => ({
      color: o.color, shape: o.shape, size: o.size, motion: o.motion, speed: o.speed,
      ...(o.diagonal ? { diagonal: o.diagonal } : {}),
      start: [Number(o.start[0].toFixed(3)), Number(o.start[1].toFixed(3))] as [number, number],
    })),
  };
}

/** The layout of `frames` frames of the clip's timeline from `first` on ([F, S, C]). */
export function layoutFrames(layout: RequestLayout, first: number, frames: number): Float32Array {
  const { parent, width, height } = layout;
  if (!parent) return buildLayout(layoutTracks(layout.scene, frames, first), objectAttrs(layout.scene), width, height, layout.channels);
  // The parent's frames keep the parent's objects and attributes (they are its known frames); the new ones may name
  // other colours or add an object, so the two spans are built apart and joined frame-major.
  const known = Math.max(0, Math.min(frames, parent.frames - first));
  const before = known ? buildLayout(layoutTracks(parent.scene, known, first), objectAttrs(parent.scene), width, height, layout.channels) : null;
  const after = frames > known
    ? buildLayout(extendedTracks(parent.scene, layout.scene, parent.frames, first + known, frames - known), objectAttrs(layout.scene), width, height, layout.channels)
    : null;
  if (!before) return after!;
  if (!after) return before;
  const out = new Float32Array(before.length + after.length);
  out.set(before);
  out.set(after, before.length);
  return out;
}

/**
 * The objects of `next` on frames first … first + frames − 1 of the parent's timeline (all at or after its end, frame
 * parentFrames − 1), so that each keeps its course across the seam: an object whose motion the follow-up left alone
 * goes on along the parent's track (the same scene: the same object index, as continueScene keeps them); one whose
 * motion changed starts its new motion where the parent's object ended; an object the follow-up added starts where
 * its own scene puts it. → [frame][object], in `next`'s object order.
 */
export function extendedTracks(parent: Scene, next: Scene, parentFrames: number, first: number, frames: number): LayoutPoint[][] {
  const last = parentFrames - 1;
  const ends = layoutTracks(parent, 1, last)[0];
  const courses = next.objects.slice(0, LAYOUT_MAX_OBJECTS).map((o, i) => {
    const old = parent.objects[i];
    if (old && sameCourse(old, o)) return { object: old, offset: 0 };
    // Its new motion from t = 0 at the parent's last frame, starting where the parent's object was.
    const start: [number, number] = old ? [ends[i].x, ends[i].y] : o.start;
    return { object: { ...o, start }, offset: last };
  });
  const out: LayoutPoint[][] = [];
  for (let f = first; f < first + frames; f++) {
    out.push(courses.map(({ object, offset }) => layoutTracks({ ...next, objects: [object] }, 1, f - offset)[0][0]));
  }
  return out;
}

function sameCourse(a: SceneObject, b: SceneObject): boolean {
  return a.motion === b.motion && a.speed === b.speed && a.diagonal === b.diagonal && a.size === b.size;
}

/**
 * A loop's bridge pass [clip's last `context` frames | `bridge` new frames | clip's first `context` frames]: the
 * known frames where the clip had its objects, and in between each object going straight back from where the clip
 * ended to where it began, so the tracks close. `reversed`: the same frames last to first, for a bridge denoised
 * backwards (loop-bridge.ts).
 */
export function closingLayout(layout: RequestLayout, clipFrames: number, context: number, bridge: number, reversed = false): Float32Array {
  const tail = layoutTracks(layout.scene, context, clipFrames - context);
  const head = layoutTracks(layout.scene, context, 0);
  const end = layoutTracks(layout.scene, 1, clipFrames - 1)[0];
  const start = layoutTracks(layout.scene, 1, 0)[0];
  const middle: LayoutPoint[][] = [];
  for (let j = 1; j <= bridge; j++) {
    const u = j / (bridge + 1);
    middle.push(end.map((p, o) => ({
      x: p.x + (start[o].x - p.x) * u, y: p.y + (start[o].y - p.y) * u, r: p.r + (start[o].r - p.r) * u,
      angle: (p.angle ?? 0) + ((start[o].angle ?? 0) - (p.angle ?? 0)) * u,
    })));
  }
  const frames = [...tail, ...middle, ...head];
  if (reversed) frames.reverse();
  return buildLayout(frames, objectAttrs(layout.scene), layout.width, layout.height, layout.channels);
}

/** The transformer's `layout` input for B rows: the conditional row gets the layout, the unconditional one zeros. */
export function layoutBatch(rows: Array<"cond" | "uncond">, layout: Float32Array | null, size: number): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((row, b) => {
    if (row === "cond" && layout) {
      if (layout.length !== size) throw new Error(`layout has ${layout.length} values, the pass needs ${size}`);
      out.set(layout, b * size);
    }
  });
  return out;
}
