// Floating-point operations of the denoiser, counted from the architecture in model_index.json (2 per multiply-add),
// so the benchmark can say what fraction of the machine's matmul rate the model reaches.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AspectRatio } from "../types.ts";

export interface Architecture {
  name: string;
  sizes: Record<AspectRatio, [number, number]>;
  defaultFrames: number;
  latentChannels: number;
  hidden: number;
  textHidden: number;
  depth: number;
  mlpRatio: number;
  vaeScale: number;
}

export function readArchitecture(modelDir: string): Architecture {
  const index = JSON.parse(readFileSync(join(modelDir, "model_index.json"), "utf8"));
  if (!index.architecture) throw new Error(`${modelDir}/model_index.json has no "architecture" block to count FLOPs from`);
  return {
    name: index.name, sizes: index.sizes, defaultFrames: index.default_frames, latentChannels: index.latent_channels,
    hidden: index.hidden_size, textHidden: index.text_hidden_size, depth: index.architecture.depth,
    mlpRatio: index.architecture.mlp_ratio, vaeScale: index.vae_scale_factor,
  };
}

export const matmulFlops = (m: number, k: number, n: number) => 2 * m * k * n;

/** All transformer calls of one clip: `steps` calls on `batch` sequences (2 with CFG). */
export function denoiseFlops(
  a: Architecture,
  s: { frames: number; width: number; height: number; steps: number; textLength: number; batch: number },
): number {
  const D = a.hidden;
  const P = 4 * a.latentChannels;
  const tokens = s.frames * (s.height / a.vaeScale / 2) * (s.width / a.vaeScale / 2);
  const L = s.textLength;
  const perBlock =
    matmulFlops(tokens, D, 3 * D) + matmulFlops(tokens, D, D) + // self-attention projections
    2 * matmulFlops(tokens, D, tokens) + //                        scores and weighted sum
    matmulFlops(tokens, D, 2 * D) + //                             cross-attention query and output
    matmulFlops(L, a.textHidden, 2 * D) + //                       cross-attention keys and values
    2 * matmulFlops(tokens, D, L) + //                             cross-attention scores and sum
    2 * matmulFlops(tokens, D, a.mlpRatio * D) + //                MLP
    matmulFlops(s.frames, D, 6 * D); //                            adaLN modulation, once per frame
  const perCall = a.depth * perBlock + matmulFlops(tokens, P, D) + matmulFlops(tokens, D, P);
  return perCall * s.batch * s.steps;
}
