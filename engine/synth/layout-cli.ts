// Writes the object tracks the DiT's layout input is built from, beside encoded latents, so Python training reads
// the renderer's own tracks instead of re-deriving motion.ts:
//
//   npx tsx engine/synth/layout-cli.ts --latents runs/latents
//
// For every <latents>/<split>/<aspect>.json (written by engine/train/encode_latents.py, holding each clip's scene):
//   <aspect>.layout.f32   float32 [N, frames, MAX_OBJECTS, 4]: x, y, r, angle per frame and object (zeros where a
//                         clip has fewer objects), as layout.ts layoutTracks gives them
//   <aspect>.layout.json  { channels, token_px, samples, clip_frames, max_objects, point: ["x","y","r","angle"],
//                           frames, width, height, attrs: [N][objects][3] (colour, shape, size indices) }
// `--fixture FILE --count N` instead writes N held-out scenes with their tracks and the layout tensors this file
// builds, for test/train's check that Python builds the same tensors.
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MAX_OBJECTS, layoutTracks, objectAttrs } from "./layout.ts";
import { TRACK_POINT, layoutFixture, layoutHeader, pointValues } from "./layout-fixture.ts";
import type { Scene } from "./types.ts";

/** Tracks of every scene as one float32 block [N, frames, MAX_OBJECTS, TRACK_POINT.length]. */
function packTracks(scenes: Scene[], frames: number): Float32Array {
  const values = TRACK_POINT.length;
  const per = frames * MAX_OBJECTS * values;
  const out = new Float32Array(scenes.length * per);
  scenes.forEach((scene, n) => {
    layoutTracks(scene, frames).forEach((points, f) => points.forEach((p, o) => {
      out.set(pointValues(p), n * per + (f * MAX_OBJECTS + o) * values);
    }));
  });
  return out;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(path + ".tmp", data);
  renameSync(path + ".tmp", path);
}

function writeLatentTracks(root: string): void {
  for (const split of ["train", "heldout"]) {
    const dir = join(root, split);
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const fn of files.filter((f) => /^(1x1|16x9|9x16)\.json$/.test(f))) {
      const meta = JSON.parse(readFileSync(join(dir, fn), "utf8")) as { width: number; height: number; frames: number; scenes?: Scene[] };
      if (!meta.scenes) throw new Error(`${join(dir, fn)} has no scenes: re-run engine/train/encode_latents.py`);
      const aspect = fn.slice(0, -".json".length);
      const tracks = packTracks(meta.scenes, meta.frames);
      writeAtomic(join(dir, `${aspect}.layout.f32`), new Uint8Array(tracks.buffer));
      writeAtomic(join(dir, `${aspect}.layout.json`), JSON.stringify({
        ...layoutHeader(meta.width, meta.height, meta.frames), attrs: meta.scenes.map(objectAttrs),
      }));
      console.log(`${split}/${aspect}: tracks of ${meta.scenes.length} clips`);
    }
  }
}

function writeFixture(path: string, count: number): void {
  const fixture = layoutFixture(count);
  writeFileSync(path, JSON.stringify(fixture) + "\n");
  console.log(`wrote ${fixture.items.length} layout fixtures to ${path}`);
}

function main(): void {
  const { values } = parseArgs({
    options: { latents: { type: "string" }, fixture: { type: "string" }, count: { type: "string", default: "6" } },
    strict: true,
  });
  if (values.fixture) writeFixture(values.fixture, Number(values.count));
  else writeLatentTracks(values.latents ?? "runs/latents");
}

main();
