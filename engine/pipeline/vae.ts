// VAE encode/decode between RGB frames and the transformer's normalized token latents.
import * as ort from "onnxruntime-node";
import type { RgbFrame } from "../types.ts";
import { latentFrames, type LatentFrames } from "./conditioning.ts";
import { framesToTensor, tensorToFrames } from "./frames.ts";
import { denormalizeLatents, normalizeLatents } from "./latents.ts";
import type { ModelPack } from "./pack.ts";
import { patchify, unpatchify, type LatentShape } from "./patchify.ts";

/** Frames per VAE call: large enough to batch well, small enough that a long clip does not spike memory. */
const VAE_BATCH = 32;

export function latentShape(pack: ModelPack, frames: number, width: number, height: number): LatentShape {
  const f = pack.index.vae_scale_factor;
  return { frames, channels: pack.index.latent_channels, height: height / f, width: width / f };
}

/** RGB frames → normalized latents in token layout. */
export async function encodeFrames(pack: ModelPack, frames: readonly RgbFrame[]): Promise<LatentFrames> {
  const { width, height } = frames[0];
  const parts: Float32Array[] = [];
  for (let start = 0; start < frames.length; start += VAE_BATCH) {
    const chunk = frames.slice(start, start + VAE_BATCH);
    const input = new ort.Tensor("float32", framesToTensor(chunk), [chunk.length, 3, height, width]);
    const out = await pack.sessions.vaeEncoder.run({ frames: input });
    const z = out.latents;
    const shape = latentShape(pack, chunk.length, width, height);
    const [n, c, h, w] = z.dims;
    if (n !== chunk.length || c !== shape.channels || h !== shape.height || w !== shape.width) {
      throw new Error(`VAE encoder gave [${z.dims.join(", ")}], expected [${chunk.length}, ${shape.channels}, ${shape.height}, ${shape.width}]`);
    }
    const norm = normalizeLatents(z.data as Float32Array, pack.index.latent_mean, pack.index.latent_std, h * w);
    z.dispose();
    parts.push(patchify(norm, shape));
  }
  const perFrame = parts.reduce((n, p) => n + p.length, 0) / frames.length;
  const data = new Float32Array(frames.length * perFrame);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return latentFrames(frames.length, perFrame, data);
}

/** Normalized token latents → RGB frames; `onBatch(done, total)` after each VAE call. */
export async function decodeFrames(
  pack: ModelPack,
  latents: LatentFrames,
  width: number,
  height: number,
  onBatch?: (done: number, total: number) => void,
): Promise<RgbFrame[]> {
  const frames: RgbFrame[] = [];
  const batches = Math.ceil(latents.count / VAE_BATCH);
  for (let b = 0; b < batches; b++) {
    const start = b * VAE_BATCH;
    const n = Math.min(VAE_BATCH, latents.count - start);
    const shape = latentShape(pack, n, width, height);
    const tokens = latents.data.subarray(start * latents.frameSize, (start + n) * latents.frameSize);
    const z = denormalizeLatents(unpatchify(tokens, shape), pack.index.latent_mean, pack.index.latent_std, shape.height * shape.width);
    const out = await pack.sessions.vaeDecoder.run({ latents: new ort.Tensor("float32", z, [n, shape.channels, shape.height, shape.width]) });
    const rgb = out.frames;
    if (rgb.dims[2] !== height || rgb.dims[3] !== width) {
      throw new Error(`VAE decoder gave ${rgb.dims[3]}×${rgb.dims[2]} frames, expected ${width}×${height}`);
    }
    frames.push(...tensorToFrames(rgb.data as Float32Array, n, width, height));
    rgb.dispose();
    onBatch?.(b + 1, batches);
  }
  return frames;
}
