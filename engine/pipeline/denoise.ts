// One generation pass: seeded noise → `steps` Euler steps of the transformer (CFG in one batched call) with the
// given frames pinned → clean normalized token latents for the whole pass.
import * as ort from "onnxruntime-node";
import { frameTimesteps, writeKnown, type PassPlan } from "./conditioning.ts";
import type { ModelPack } from "./pack.ts";
import { sincos3d } from "./positions.ts";
import { gaussianNoise } from "./rng.ts";
import { cfgCombine, eulerStep, noisyStart, sigmaSchedule } from "./scheduler.ts";
import { branchesFor, type TextBatch } from "./text.ts";
import { layoutBatch } from "./layout.ts";

export interface PassGrid {
  /** Tokens per frame. */
  S: number;
  /** Values per token. */
  P: number;
  rows: number;
  cols: number;
}

export interface PassOptions {
  seed: number;
  /** Noise stream: each pass of one request uses its own, so chunks never share noise. */
  stream: number;
  steps: number;
  guidance: number;
  /**
   * The pass's layout [F, S, C] for the conditional row (CONTRACTS §8), or null for none. Only read when the pack's
   * denoiser takes a layout (the unconditional row always gets zeros: guidance pushes towards text and layout).
   */
  layout?: Float32Array | null;
  /**
   * After each step's model call. `estimate(f)` is the model's current guess of the clean frame f (x₀ = x_t − σ·v,
   * from v = ε − x₀), computed only when asked: previews decode it.
   */
  onStep?: (estimate: (frame: number) => Float32Array) => void | Promise<void>;
}

/** The middle frame the pass generates (not a pinned one): what a preview shows. */
export function previewFrame(plan: PassPlan): number {
  const free: number[] = [];
  for (let f = 0; f < plan.frames; f++) if (!plan.known[f]) free.push(f);
  return free[Math.floor(free.length / 2)] ?? 0;
}

export async function runPass(pack: ModelPack, plan: PassPlan, grid: PassGrid, text: TextBatch, opt: PassOptions): Promise<Float32Array> {
  const { S, P, rows, cols } = grid;
  const F = plan.frames;
  const frameSize = S * P;
  if (plan.frameSize !== frameSize) throw new Error(`pass plan has ${plan.frameSize} values per frame, the grid ${frameSize}`);
  const B = text.batch;
  const D = pack.index.hidden_size;

  const sigmas = sigmaSchedule(opt.steps, pack.scheduler.shift, plan.startSigma);
  const noise = gaussianNoise(opt.seed, opt.stream, F * frameSize);
  const x = noisyStart(plan.init, noise, plan.startSigma);
  writeKnown(x, plan);

  // Inputs that do not change across steps are built once.
  const pos = new ort.Tensor("float32", sincos3d(F, rows, cols, D, pack.index.pos_embed.theta), [F, S, D]);
  const textStates = new ort.Tensor("float32", text.states, [B, text.length, text.dim]);
  const textMask = new ort.Tensor("float32", text.mask, [B, text.length]);
  const pooled = new ort.Tensor("float32", text.pooled, [B, text.dim]);
  const spec = pack.index.layout;
  const layout = spec
    ? new ort.Tensor("float32", layoutBatch(branchesFor(opt.guidance), opt.layout ?? null, F * S * spec.channels.length),
      [B, F, S, spec.channels.length])
    : undefined;
  if (layout && branchesFor(opt.guidance).length !== B) throw new Error(`text batch of ${B} rows for guidance ${opt.guidance}`);
  const tokens = new Float32Array(B * F * frameSize);
  const timesteps = new Float32Array(B * F);

  for (let i = 0; i < opt.steps; i++) {
    const sigma = sigmas[i];
    const t = frameTimesteps(plan, sigma);
    for (let b = 0; b < B; b++) {
      tokens.set(x, b * x.length);
      timesteps.set(t, b * F);
    }
    const out = await pack.sessions.transformer.run({
      tokens: new ort.Tensor("float32", tokens, [B, F, S, P]),
      timesteps: new ort.Tensor("float32", timesteps, [B, F]),
      pos,
      text_states: textStates,
      text_mask: textMask,
      pooled,
      ...(layout ? { layout } : {}),
    });
    const velocity = out.velocity.data as Float32Array;
    if (velocity.length !== tokens.length) throw new Error(`transformer gave ${velocity.length} values, expected ${tokens.length}`);
    const v = B === 2 ? cfgCombine(velocity, opt.guidance) : velocity;
    const estimate = (f: number) => {
      const at = f * frameSize;
      const x0 = new Float32Array(frameSize);
      for (let j = 0; j < frameSize; j++) x0[j] = x[at + j] - sigma * v[at + j];
      return x0;
    };
    // Before the Euler step: the estimate belongs to this step's x and v.
    await opt.onStep?.(estimate);
    eulerStep(x, v, sigma, sigmas[i + 1]);
    writeKnown(x, plan);
    out.velocity.dispose();
  }
  return x;
}
