// A contact sheet of held-out clips, so a reader of the model card sees the shapes rather than only their scores:
// each cell is one held-out prompt's middle frame as the renderer draws it (left) beside the model's (right).
//
//   npx tsx engine/eval/contact-sheet.ts --model DIR --out sheet.png [--n 30 --cols 5 --seed 1 --scale 1 --no-layout]
//
// Prints the prompts in cell order (row by row) as a numbered Markdown list for the card.
import { parseArgs } from "node:util";
import type { RgbFrame } from "../types.ts";
import { writeThumbnail } from "../video/thumbnail.ts";
import { ASPECT_SIZES, FPS, FRAMES } from "./sizes.ts";
import { clipFromPacked } from "./image.ts";
import { evalItems } from "./items.ts";
import { renderScene } from "./synth-bridge.ts";

/** Pixels between cells, and between the two frames of a cell (the sheet's background shows through). */
export const GAP = 4;
const GAP_GREY = 255;

/**
 * Lays out pairs of equal-sized frames on a grid, `cols` pairs a row: [truth | model] per cell, GAP pixels apart and
 * around. Every frame must have the first frame's size.
 */
export function composeSheet(pairs: Array<[RgbFrame, RgbFrame]>, cols: number): RgbFrame {
  if (!pairs.length) throw new RangeError("a contact sheet needs at least one cell");
  if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`cols must be a positive integer, got ${cols}`);
  const { width: w, height: h } = pairs[0][0];
  const rows = Math.ceil(pairs.length / cols);
  const cellW = 2 * w + GAP;
  const width = GAP + cols * (cellW + GAP);
  const height = GAP + rows * (h + GAP);
  const data = new Uint8Array(width * height * 3).fill(GAP_GREY);
  pairs.forEach((pair, i) => {
    const x0 = GAP + (i % cols) * (cellW + GAP);
    const y0 = GAP + Math.floor(i / cols) * (h + GAP);
    pair.forEach((frame, k) => {
      if (frame.width !== w || frame.height !== h) throw new RangeError(`cell ${i} has a ${frame.width}×${frame.height} frame, not ${w}×${h}`);
      const x = x0 + k * (w + GAP);
      for (let y = 0; y < h; y++) {
        data.set(frame.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * width + x) * 3);
      }
    });
  });
  return { width, height, data };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      out: { type: "string", default: "contact-sheet.png" },
      n: { type: "string", default: "30" },
      cols: { type: "string", default: "5" },
      seed: { type: "string", default: "1" },
      // 1: the model's own 64-px frames, pixel for pixel (a small PNG for the repository); viewers enlarge it.
      scale: { type: "string", default: "1" },
      "no-layout": { type: "boolean", default: false },
    },
  });
  const n = Number(values.n), cols = Number(values.cols), seed = Number(values.seed);
  const { loadPipeline, resolveModelDir } = await import("../pipeline/index.ts");
  const pipe = await loadPipeline({ modelDir: resolveModelDir(values.model) });
  const [width, height] = ASPECT_SIZES["1:1"];
  const middle = Math.floor(FRAMES / 2);
  const pairs: Array<[RgbFrame, RgbFrame]> = [];
  const lines: string[] = [];
  try {
    // Item i with seed `seed + i`, as the evaluation generates it; every cell at 1:1 so the grid stays a grid.
    for (const [i, item] of evalItems(n, seed).entries()) {
      const truth = clipFromPacked(renderScene(item.scene, { width, height, frames: FRAMES }), width, height, FRAMES, FPS);
      const res = await pipe.generate({ prompt: item.caption, seed: seed + i, aspect: "1:1", layout: !values["no-layout"] });
      pairs.push([truth.frames[middle], res.clip.frames[middle]]);
      lines.push(`${i + 1}. ${item.caption}`);
    }
  } finally {
    await pipe.close();
  }
  await writeThumbnail(composeSheet(pairs, cols), values.out, { scale: Number(values.scale) });
  console.log(lines.join("\n"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
