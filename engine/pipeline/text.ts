// Text conditioning: the prompt and the CFG branch (empty caption `[2]` or the negative prompt) encoded in one
// text-encoder call, laid out as the transformer's text inputs.
import * as ort from "onnxruntime-node";
import type { ModelPack } from "./pack.ts";

/** The transformer's text inputs for a batch of B rows (row 0 = conditional, row 1 = unconditional when B = 2). */
export interface TextBatch {
  batch: number;
  length: number;
  dim: number;
  states: Float32Array; // [B, L, Dt]
  mask: Float32Array; // [B, L]
  pooled: Float32Array; // [B, Dt]
}

/**
 * Which branches a guidance scale needs. v = v_u + w·(v_c − v_u) is exactly v_c at w = 1 and v_u at w = 0, so those
 * scales need one row, halving the transformer's work.
 */
export function branchesFor(guidance: number): Array<"cond" | "uncond"> {
  if (guidance === 1) return ["cond"];
  if (guidance === 0) return ["uncond"];
  return ["cond", "uncond"];
}

export async function encodeText(pack: ModelPack, prompt: string, negativePrompt: string, guidance: number): Promise<TextBatch> {
  // The encoder masks padding itself (ids == pad), so padding to the batch's longest row is exact.
  const texts = branchesFor(guidance).map((b) => (b === "cond" ? prompt : negativePrompt));
  const { ids, mask, length } = pack.tokenizer.batch(texts);
  const B = texts.length;
  const out = await pack.sessions.textEncoder.run({ input_ids: new ort.Tensor("int64", ids, [B, length]) });
  const hidden = out.hidden_states;
  const pooled = out.pooled;
  const dim = hidden.dims[2];
  if (dim !== pack.index.text_hidden_size) {
    throw new Error(`text encoder gives width ${dim}, model_index.json says text_hidden_size ${pack.index.text_hidden_size}`);
  }
  const result: TextBatch = {
    batch: B, length, dim,
    states: (hidden.data as Float32Array).slice(),
    mask,
    pooled: (pooled.data as Float32Array).slice(),
  };
  hidden.dispose();
  pooled.dispose();
  return result;
}
