// The whole generation (CONTRACTS §7), in the thread that owns the ONNX sessions:
// validate → expand → text encoder → (VAE-encode conditioning) → denoising passes → VAE decode → RGB clip.
import type { Scene } from "../synth/index.ts";
import type { Clip, RgbFrame } from "../types.ts";
import {
  buildPass, chunkLayout, concatFrames, DEFAULT_OVERLAP, latentFrames, reverseFrames, sliceFrames, takeGenerated,
  type LatentFrames, type PassPlan, type Segment,
} from "./conditioning.ts";
import { previewFrame, runPass, type PassGrid } from "./denoise.ts";
import { expandPrompt } from "./expand.ts";
import { bridgeOrder } from "./loop-bridge.ts";
import { closingLayout, layoutFrames, summarize, type LayoutSpec, type RequestLayout } from "./layout.ts";
import type { ModelPack } from "./pack.ts";
import { tokenGrid } from "./patchify.ts";
import { carryIntoNewFrames, roundTripLoss } from "./seam-carry.ts";
import { encodeText, type TextBatch } from "./text.ts";
import type { GenerateRequest, GenerateResult, PipelineInfo, Progress } from "./types.ts";
import { validateRequest, type Job, type Limits } from "./validate.ts";
import { decodeFrames, encodeFrames, latentShape } from "./vae.ts";

/** Number of model passes a validated job takes (for progress: steps are counted over all passes). */
export function passCount(job: Job, passFrames: number): number {
  const p = job.plan;
  switch (p.kind) {
    case "generate":
    case "remix":
      return chunkLayout(p.frames, passFrames, DEFAULT_OVERLAP, 0).length;
    case "animate":
      return chunkLayout(p.frames - 1, passFrames, DEFAULT_OVERLAP, 1).length;
    case "extend":
      return chunkLayout(p.frames, passFrames, p.overlap, p.overlap).length;
    case "interpolate":
      return 1;
    case "loop":
      return chunkLayout(p.clip, passFrames, DEFAULT_OVERLAP, 0).length + 1;
  }
}

const copyFrame = (f: RgbFrame): RgbFrame => ({ width: f.width, height: f.height, data: f.data.slice() });

/** Everything one request's passes share. */
interface Run {
  pack: ModelPack;
  job: Job;
  text: TextBatch;
  grid: PassGrid;
  frameSize: number;
  passFrames: number;
  stream: number;
  step: number;
  totalSteps: number;
  progress: (p: Progress) => void;
  onPass?: PassObserver;
  /** The layout input's scene (CONTRACTS §8), or null when this run has none. */
  layout: RequestLayout | null;
}

/** Sees every pass's plan and its final latents (tests use it to check masks and pinned frames). */
export type PassObserver = (plan: PassPlan, latents: Float32Array) => void;

export interface GeneratorOptions {
  /** Most frames one request may ask for; default the pack's max_frames. */
  maxFrames?: number;
  /** The same limit in seconds at the pack's fps (a caller may not know the fps before the pack is loaded). */
  maxSeconds?: number;
  onPass?: PassObserver;
}

/** `layout`: the pass's layout tensor, or null (none, or a pack without the input). */
async function pass(run: Run, segments: Segment[], startSigma = 1, layout: Float32Array | null = null): Promise<LatentFrames> {
  const plan = buildPass(segments, run.frameSize, startSigma);
  const x = await runPass(run.pack, plan, run.grid, run.text, {
    layout,
    seed: run.job.seed,
    stream: run.stream++,
    steps: run.job.steps,
    guidance: run.job.guidance,
    onStep: async (estimate) => {
      const step = ++run.step;
      const every = run.job.previewEvery;
      // No preview on the last step: the finished clip follows at once.
      const preview = every > 0 && step % every === 0 && step < run.totalSteps
        ? (await decodeFrames(run.pack, latentFrames(1, run.frameSize, estimate(previewFrame(plan))), run.job.width, run.job.height))[0]
        : undefined;
      run.progress({ stage: "denoise", step, steps: run.totalSteps, ...(preview ? { preview } : {}) });
    },
  });
  run.onPass?.(plan, x);
  return takeGenerated(x, plan);
}

/**
 * `count` new frames after `before`, one chunk at a time; each chunk sees up to `overlap` frames of what precedes it
 * (the tail of `before`, then of the frames already made). With `remix`, new frames start from the parent's
 * latents at σ = strength (SDEdit) instead of from pure noise. `timeline`: where `before`'s first frame sits on the
 * layout's timeline, so every chunk's layout continues the objects' tracks (undefined: no layout).
 */
async function forward(run: Run, before: LatentFrames, overlap: number, count: number, remix?: { source: LatentFrames; strength: number }, timeline?: number): Promise<LatentFrames> {
  const made: LatentFrames[] = [];
  let done = 0;
  for (const chunk of chunkLayout(count, run.passFrames, overlap, before.count)) {
    const pool = concatFrames([before, ...made], run.frameSize);
    const segments: Segment[] = [];
    if (chunk.context > 0) segments.push({ known: sliceFrames(pool, pool.count - chunk.context, pool.count) });
    segments.push({ generate: chunk.fresh, init: remix ? sliceFrames(remix.source, done, done + chunk.fresh) : undefined });
    const layout = run.layout && timeline !== undefined
      ? layoutFrames(run.layout, timeline + pool.count - chunk.context, chunk.context + chunk.fresh) : null;
    made.push(await pass(run, segments, remix?.strength ?? 1, layout));
    done += chunk.fresh;
  }
  return concatFrames(made, run.frameSize);
}

/** Mirror of `forward`: `count` new frames before `after`, made from the end backwards. */
async function backward(run: Run, after: LatentFrames, overlap: number, count: number): Promise<LatentFrames> {
  const made: LatentFrames[] = [];
  for (const chunk of chunkLayout(count, run.passFrames, overlap, after.count)) {
    const pool = concatFrames([...made, after], run.frameSize);
    made.unshift(await pass(run, [{ generate: chunk.fresh }, { known: sliceFrames(pool, 0, chunk.context) }]));
  }
  return concatFrames(made, run.frameSize);
}

/**
 * The layout a request runs with (null: none). It places the rewritten prompt's objects for text-to-video and loops;
 * a forward extension continues the parent's objects from where its layout had them (extendedTracks); a remix has
 * its prompt's layout, as a fresh sample would. The other conditioned kinds (animation, backward extension,
 * interpolation) run without one: their own frames show where things are, and training dropped the layout often
 * enough that the model works without it.
 */
function requestLayout(job: Job, scene: Scene | undefined, parentScene: Scene | undefined, packLayout: LayoutSpec | null | undefined): RequestLayout | null {
  if (!packLayout || !job.layout || !scene) return null;
  const base = { scene, channels: packLayout.channels, width: job.width, height: job.height };
  const p = job.plan;
  // A remix is the prompt's own clip started from the parent's frames: at strength 1 exactly a fresh sample.
  if (p.kind === "generate" || p.kind === "loop" || p.kind === "remix") return base;
  // Without a parent prompt the extension continues the scene of its own prompt (the same clip, longer).
  if (p.kind === "extend" && p.direction === "forward") return { ...base, parent: { scene: parentScene ?? scene, frames: p.parent.frames.length } };
  return null;
}

export class Generator {
  readonly limits: Limits;

  private readonly onPass?: PassObserver;

  constructor(readonly pack: ModelPack, options: GeneratorOptions = {}) {
    const idx = pack.index;
    const cap = options.maxFrames
      ?? (options.maxSeconds === undefined ? idx.max_frames : Math.round(options.maxSeconds * idx.fps) + 1);
    this.onPass = options.onPass;
    if (!Number.isInteger(cap) || cap < 1) throw new Error(`maxFrames must be a positive integer, got ${cap}`);
    this.limits = {
      sizes: idx.sizes,
      defaultFrames: Math.min(idx.default_frames, cap),
      passFrames: idx.max_frames,
      maxFrames: cap,
      defaultSteps: pack.scheduler.default_steps,
      defaultGuidance: pack.scheduler.default_guidance,
    };
  }

  get info(): PipelineInfo {
    const { pack, limits } = this;
    return {
      modelDir: pack.dir, name: pack.index.name, device: pack.device, threads: pack.threads, precision: pack.precision, fps: pack.index.fps,
      sizes: limits.sizes, defaultFrames: limits.defaultFrames, passFrames: limits.passFrames, maxFrames: limits.maxFrames,
      defaultSteps: limits.defaultSteps, defaultGuidance: limits.defaultGuidance, vocabularySize: pack.tokenizer.vocab.size,
      layout: Boolean(pack.index.layout),
    };
  }

  expand(prompt: string): Promise<{ expandedPrompt: string; unknownWords: string[] }> {
    return expandPrompt(prompt, this.pack.tokenizer);
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const t0 = performance.now();
    const job = validateRequest(req, this.limits);
    const { pack } = this;
    const progress = (p: Progress) => req.onProgress?.(p);

    const { expandedPrompt, unknownWords, scene, parentScene } = await expandPrompt(job.prompt, pack.tokenizer, {
      expand: job.expand, parentPrompt: job.parentPrompt,
    });
    progress({ stage: "text", step: 0, steps: 1 });
    const text = await encodeText(pack, expandedPrompt, job.negativePrompt, job.guidance);
    progress({ stage: "text", step: 1, steps: 1 });
    const t1 = performance.now();

    const shape = latentShape(pack, 1, job.width, job.height);
    const g = tokenGrid(shape);
    const run: Run = {
      pack, job, text,
      grid: { S: g.S, P: g.P, rows: g.rows, cols: g.cols },
      frameSize: g.S * g.P,
      passFrames: this.limits.passFrames,
      stream: 0,
      step: 0,
      totalSteps: passCount(job, this.limits.passFrames) * job.steps,
      progress,
      onPass: this.onPass,
      layout: requestLayout(job, scene, parentScene, pack.index.layout),
    };
    const none = latentFrames(0, run.frameSize);

    // Conditioning media → latents (only the frames a pass will see); timed apart from denoising.
    let encodeMs = 0;
    const encode = async (frames: RgbFrame[]): Promise<LatentFrames> => {
      const s = performance.now();
      const z = await encodeFrames(pack, frames);
      encodeMs += performance.now() - s;
      return z;
    };
    // What the VAE loses of the given frame next to the new ones (seam-carry.ts); timed with the encoding.
    const carryLoss = async (given: RgbFrame, latents: LatentFrames, index: number): Promise<Int16Array> => {
      const s = performance.now();
      const loss = await roundTripLoss(pack, given, latents, index);
      encodeMs += performance.now() - s;
      return loss;
    };

    // Each kind yields the latents to decode and how the output clip is put together around them. Frames the
    // caller gave are returned untouched; only frames the model made go through the decoder.
    let fresh: LatentFrames;
    let assemble: (decoded: RgbFrame[]) => RgbFrame[];
    const p = job.plan;
    switch (p.kind) {
      case "generate": {
        fresh = await forward(run, none, DEFAULT_OVERLAP, p.frames, undefined, 0);
        assemble = (d) => d;
        break;
      }
      case "animate": {
        const image = await encode([p.image]);
        const loss = await carryLoss(p.image, image, 0);
        fresh = await forward(run, image, DEFAULT_OVERLAP, p.frames - 1);
        assemble = (d) => (carryIntoNewFrames(d, loss, "later"), [copyFrame(p.image), ...d]);
        break;
      }
      case "extend": {
        const parent = p.parent.frames;
        if (p.direction === "forward") {
          const ctx = await encode(parent.slice(parent.length - p.overlap));
          const loss = await carryLoss(parent[parent.length - 1], ctx, ctx.count - 1);
          // On the layout's timeline (the parent's), the context is the parent's last `overlap` frames.
          fresh = await forward(run, ctx, p.overlap, p.frames, undefined, parent.length - p.overlap);
          assemble = (d) => (carryIntoNewFrames(d, loss, "later"), [...parent.map(copyFrame), ...d]);
        } else {
          const ctx = await encode(parent.slice(0, p.overlap));
          const loss = await carryLoss(parent[0], ctx, 0);
          fresh = await backward(run, ctx, p.overlap, p.frames);
          assemble = (d) => (carryIntoNewFrames(d, loss, "earlier"), [...d, ...parent.map(copyFrame)]);
        }
        break;
      }
      case "interpolate": {
        const head = await encode(p.a.slice(p.a.length - p.head));
        const tail = await encode(p.b.slice(0, p.tail));
        const headLoss = await carryLoss(p.a[p.a.length - 1], head, head.count - 1);
        const tailLoss = await carryLoss(p.b[0], tail, 0);
        fresh = await pass(run, [{ known: head }, { generate: p.frames }, { known: tail }]);
        assemble = (d) => {
          carryIntoNewFrames(d, headLoss, "later");
          carryIntoNewFrames(d, tailLoss, "earlier");
          return [...p.a.map(copyFrame), ...d, ...p.b.map(copyFrame)];
        };
        break;
      }
      case "loop": {
        const clip = await forward(run, none, DEFAULT_OVERLAP, p.clip, undefined, 0);
        const order = bridgeOrder(scene, p.context);
        const end = sliceFrames(clip, clip.count - order.known, clip.count);
        const start = sliceFrames(clip, 0, order.known);
        const layout = run.layout ? closingLayout(run.layout, p.clip, order.known, p.bridge, order.backwards) : null;
        const bridge = order.backwards
          ? reverseFrames(await pass(run, [{ known: reverseFrames(start) }, { generate: p.bridge }, { known: reverseFrames(end) }], 1, layout))
          : await pass(run, [{ known: end }, { generate: p.bridge }, { known: start }], 1, layout);
        fresh = concatFrames([clip, bridge], run.frameSize);
        assemble = (d) => d;
        break;
      }
      case "remix": {
        const source = await encode(p.parent.frames);
        fresh = await forward(run, none, DEFAULT_OVERLAP, p.frames, { source, strength: p.strength }, 0);
        assemble = (d) => d;
        break;
      }
    }
    const t2 = performance.now();

    const decoded = await decodeFrames(pack, fresh, job.width, job.height, (step, steps) => progress({ stage: "decode", step, steps }));
    const frames = assemble(decoded);
    const t3 = performance.now();

    const clip: Clip = { width: job.width, height: job.height, fps: pack.index.fps, frames };
    return {
      clip,
      prompt: job.prompt,
      expandedPrompt,
      unknownWords,
      seed: job.seed,
      timings: { textMs: t1 - t0, encodeMs, denoiseMs: t2 - t1 - encodeMs, decodeMs: t3 - t2, totalMs: t3 - t0 },
      layout: run.layout ? summarize(run.layout) : null,
    };
  }
}
