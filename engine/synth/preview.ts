// Renders a few random training (or held-out) scenes to PNG filmstrips with their captions, to eyeball the data:
//   npx tsx engine/synth/preview.ts --out /tmp/preview --count 12 [--seed 1] [--heldout] [--aspect 1x1]

import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { Rng } from "./rng.ts";
import { renderScene } from "./render.ts";
import { heldoutSet, trainingCaptions, trainingScene } from "./split.ts";
import { SHARD_FRAMES, SHARD_SIZES, type ShardAspect } from "./shards.ts";
import { encodePng, filmstrip } from "./png.ts";
import type { Scene } from "./types.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "/tmp/synth-preview" },
    count: { type: "string", default: "12" },
    seed: { type: "string", default: "1" },
    aspect: { type: "string", default: "1x1" },
    heldout: { type: "boolean", default: false },
    scale: { type: "string", default: "3" },
  },
});
const count = Number(values.count), seed = Number(values.seed), scale = Number(values.scale);
const aspect = values.aspect as ShardAspect;
if (!SHARD_SIZES[aspect]) throw new Error(`unknown aspect ${aspect}`);
const { width, height } = SHARD_SIZES[aspect];
fs.mkdirSync(values.out!, { recursive: true });

const items: { scene: Scene; captions: string[] }[] = values.heldout
  ? heldoutSet(count, seed)
  : (() => {
    const rng = new Rng(seed);
    return Array.from({ length: count }, () => {
      const scene = trainingScene(rng);
      return { scene, captions: trainingCaptions(scene, rng) };
    });
  })();

/** Nearest-neighbour upscale so that 64-pixel frames are easy to look at. */
function upscale(rgb: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const out = new Uint8Array(w * k * h * k * 3);
  for (let y = 0; y < h * k; y++) for (let x = 0; x < w * k; x++) {
    const s = (Math.floor(y / k) * w + Math.floor(x / k)) * 3, d = (y * w * k + x) * 3;
    out[d] = rgb[s]; out[d + 1] = rgb[s + 1]; out[d + 2] = rgb[s + 2];
  }
  return out;
}

items.forEach((item, i) => {
  const clip = renderScene(item.scene, { width, height, frames: SHARD_FRAMES });
  const strip = filmstrip(clip, width, height, SHARD_FRAMES, 4);
  const file = path.join(values.out!, `${String(i).padStart(3, "0")}.png`);
  fs.writeFileSync(file, encodePng(upscale(strip.rgb, strip.width, strip.height, scale), strip.width * scale, strip.height * scale));
  console.log(`${file}\n  ${item.captions.join("\n  ")}`);
});
