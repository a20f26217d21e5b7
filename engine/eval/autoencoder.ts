// The autoencoder row: each held-out scene rendered, encoded and decoded by the pack's VAE, then scored. It is the
// ceiling of any denoiser on that VAE: what the latents can still carry (small stars and triangles blur into blobs
// at ÷8), so a shape or colour gap between this row and the renderer's is the VAE's, and the rest is the DiT's.
import type { Clip } from "../types.ts";
import { aggregate } from "./aggregate.ts";
import { renderItem } from "./items.ts";
import { failedRow, type EvalOptions, type ItemResult, type RowResult } from "./run.ts";
import { scoreClip } from "./score.ts";
import type { HeldoutItem } from "./synth-bridge.ts";

export const AUTOENCODER_ROW = "VAE round trip";

export async function autoencoderRow(items: HeldoutItem[], opts: Pick<EvalOptions, "modelDir" | "threads">): Promise<RowResult> {
  const t0 = performance.now();
  // Imported only here, like the model row: the renderer row and the scorer's tests never load onnxruntime.
  const { loadPack } = await import("../pipeline/pack.ts");
  const { encodeFrames, decodeFrames } = await import("../pipeline/vae.ts");
  let pack;
  try {
    pack = await loadPack({ modelDir: opts.modelDir, ...(opts.threads ? { threads: opts.threads } : {}) });
  } catch (e) {
    return failedRow(AUTOENCODER_ROW, opts.modelDir ?? "default", e);
  }
  const results: ItemResult[] = [];
  try {
    for (let i = 0; i < items.length; i++) {
      const { clip, aspect } = renderItem(items[i], i);
      const frames = await decodeFrames(pack, await encodeFrames(pack, clip.frames), clip.width, clip.height);
      const roundTrip: Clip = { ...clip, frames };
      results.push({ prompt: items[i].caption, aspect, scene: items[i].scene, score: scoreClip(roundTrip, items[i].scene) });
    }
  } finally {
    await pack.release();
  }
  return {
    name: AUTOENCODER_ROW, source: `${pack.dir} (VAE encoder → decoder)`,
    metrics: aggregate(results.map((r) => r.score)), seconds: (performance.now() - t0) / 1000, items: results,
  };
}
