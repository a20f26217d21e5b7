// Conditioning as "known frames" (CONTRACTS §6): a generation pass is a row of frames, some given (t = 0, clean
// latent written back after every step) and the rest generated. Every conditioning kind is a layout of that row:
//
//   none          [ gen F ]
//   image         [ image | gen F−1 ]                      an image is a one-frame parent extended forward
//   extend fwd    [ parent's last k | gen n ]              output = parent + n new frames
//   extend back   [ gen n | parent's first k ]             output = n new frames + parent
//   interpolate   [ a's last ka | gen m | b's first kb ]   output = a + m new frames + b
//   loop          pass 1 [ gen N1 ], pass 2 [ clip's last k | gen m | clip's first k ]   output = clip + m
//   remix         [ gen F, started from the parent at σ = s ]  (SDEdit)
//
// Frames longer than one pass are made the Sora way: the first chunk, then forward extensions whose first k frames
// are the previous chunk's last k latents. This file is pure layout arithmetic; generate.ts runs the passes.

/** Latent frames in token layout, frame-major: frame f is `data[f·frameSize … (f+1)·frameSize)`. */
export interface LatentFrames {
  count: number;
  frameSize: number;
  data: Float32Array;
}

/** How many parent frames a pass sees by default when extending or interpolating. */
export const DEFAULT_OVERLAP = 4;

export function latentFrames(count: number, frameSize: number, data?: Float32Array): LatentFrames {
  const d = data ?? new Float32Array(count * frameSize);
  if (d.length !== count * frameSize) throw new Error(`latent frames: ${d.length} values for ${count}×${frameSize}`);
  return { count, frameSize, data: d };
}

export function sliceFrames(x: LatentFrames, start: number, end: number): LatentFrames {
  const s = Math.max(0, Math.min(start, x.count));
  const e = Math.max(s, Math.min(end, x.count));
  return latentFrames(e - s, x.frameSize, x.data.slice(s * x.frameSize, e * x.frameSize));
}

export function concatFrames(parts: LatentFrames[], frameSize: number): LatentFrames {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const out = latentFrames(count, frameSize);
  let at = 0;
  for (const p of parts) {
    if (p.frameSize !== frameSize) throw new Error(`latent frames of size ${p.frameSize} mixed with ${frameSize}`);
    out.data.set(p.data, at * frameSize);
    at += p.count;
  }
  return out;
}

/** The same frames in the opposite order. */
export function reverseFrames(x: LatentFrames): LatentFrames {
  const out = latentFrames(x.count, x.frameSize);
  for (let f = 0; f < x.count; f++) out.data.set(x.data.subarray(f * x.frameSize, (f + 1) * x.frameSize), (x.count - 1 - f) * x.frameSize);
  return out;
}

/** One stretch of a pass: frames that are given, or frames to generate (optionally SDEdit-started from `init`). */
export type Segment =
  | { known: LatentFrames }
  | { generate: number; init?: LatentFrames };

export interface PassPlan {
  frames: number;
  frameSize: number;
  /** 1 where the frame is given. */
  known: Uint8Array;
  /** Clean latents of the given frames, zero elsewhere. */
  knownLatents: Float32Array;
  /** SDEdit starting latents for generated frames (`null` = start from pure noise). */
  init: Float32Array | null;
  /** σ the pass starts from: 1 for a fresh sample, the remix strength for SDEdit. */
  startSigma: number;
  /** Where the generated frames sit in the pass, as [start, end) runs in order. */
  generated: Array<[number, number]>;
}

export function buildPass(segments: Segment[], frameSize: number, startSigma = 1): PassPlan {
  if (!(startSigma > 0 && startSigma <= 1)) throw new Error(`start sigma must be in (0, 1], got ${startSigma}`);
  const frames = segments.reduce((n, s) => n + ("known" in s ? s.known.count : s.generate), 0);
  if (frames < 1) throw new Error("a pass needs at least one frame");
  const known = new Uint8Array(frames);
  const knownLatents = new Float32Array(frames * frameSize);
  const init = startSigma < 1 ? new Float32Array(frames * frameSize) : null;
  const generated: Array<[number, number]> = [];
  let at = 0;
  for (const seg of segments) {
    if ("known" in seg) {
      if (seg.known.frameSize !== frameSize) throw new Error("known frames have the wrong latent size");
      known.fill(1, at, at + seg.known.count);
      knownLatents.set(seg.known.data, at * frameSize);
      at += seg.known.count;
    } else {
      if (seg.generate < 1) continue;
      if (init) {
        // SDEdit: a generated frame must have something to start from, or σ = s would be a wrong noise level.
        if (!seg.init || seg.init.count !== seg.generate) throw new Error("a remix pass needs parent latents for every generated frame");
        init.set(seg.init.data, at * frameSize);
      }
      generated.push([at, at + seg.generate]);
      at += seg.generate;
    }
  }
  if (generated.length === 0) throw new Error("a pass must generate at least one frame");
  return { frames, frameSize, known, knownLatents, init, startSigma, generated };
}

/** Per-frame timesteps for the transformer: 0 for given frames, σ for the rest. */
export function frameTimesteps(plan: PassPlan, sigma: number): Float32Array {
  const t = new Float32Array(plan.frames);
  for (let f = 0; f < plan.frames; f++) t[f] = plan.known[f] ? 0 : sigma;
  return t;
}

/** Put the clean latents of the given frames back into x (after every step, and at the start). */
export function writeKnown(x: Float32Array, plan: PassPlan): void {
  const n = plan.frameSize;
  for (let f = 0; f < plan.frames; f++) {
    if (plan.known[f]) x.set(plan.knownLatents.subarray(f * n, (f + 1) * n), f * n);
  }
}

/** The generated frames of a finished pass, in order. */
export function takeGenerated(x: Float32Array, plan: PassPlan): LatentFrames {
  const parts = plan.generated.map(([s, e]) => latentFrames(e - s, plan.frameSize, x.slice(s * plan.frameSize, e * plan.frameSize)));
  return concatFrames(parts, plan.frameSize);
}

/** One chunk of a long run: `context` given frames followed (forward) or preceded (backward) by `fresh` new ones. */
export interface Chunk {
  context: number;
  fresh: number;
}

/**
 * Chunks that produce `total` new frames when each pass holds at most `maxFrames` and sees up to `overlap` frames of
 * what came before. `available` is how many context frames exist before the first chunk (0 for a fresh clip).
 */
export function chunkLayout(total: number, maxFrames: number, overlap: number, available: number): Chunk[] {
  if (total < 1) throw new Error("nothing to generate");
  const chunks: Chunk[] = [];
  let made = 0;
  while (made < total) {
    const context = Math.min(overlap, available + made);
    const room = maxFrames - context;
    if (room < 1) throw new Error(`overlap ${context} leaves no room for new frames in a ${maxFrames}-frame pass`);
    const fresh = Math.min(room, total - made);
    chunks.push({ context, fresh });
    made += fresh;
  }
  return chunks;
}

/**
 * How a loop of `total` frames is split: a clip of `clip` frames, then a bridge pass whose head is the clip's last
 * `context` frames and whose tail is the clip's first `context` frames, generating `bridge` frames between them.
 * Playing clip + bridge on repeat is seamless because the bridge was denoised knowing both what precedes it (the
 * clip's end) and what follows it on wrap-around (the clip's start). Nearly half of the loop is bridge: an object
 * that travelled during the clip must come back during the bridge, and a shorter bridge makes it hurry (a third
 * gave closing steps well above the clip's typical step; the model card has the numbers).
 */
const LOOP_BRIDGE_SHARE = 0.45;

export function loopLayout(total: number, maxFrames: number, overlap = DEFAULT_OVERLAP): { clip: number; bridge: number; context: number } {
  if (total < 4) throw new Error(`a loop needs at least 4 frames, got ${total}`);
  const want = Math.max(1, Math.round(total * LOOP_BRIDGE_SHARE));
  const context = Math.max(1, Math.min(overlap, Math.floor((total - want) / 2), Math.floor((maxFrames - 1) / 2)));
  const bridge = Math.min(want, maxFrames - 2 * context);
  if (bridge < 1) throw new Error(`a ${maxFrames}-frame pass is too short to bridge a loop`);
  return { clip: total - bridge, bridge, context };
}
