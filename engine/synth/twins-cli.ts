// Caption twins for the shape-twin probe (engine/train/shape_twin.py): for each held-out clip beside encoded
// latents, one caption of its scene and the same caption (same template, same random draws) of the scene with its
// first object's shape changed, and with its colour changed (the reference: colour is what the model follows).
//
//   npx tsx engine/synth/twins-cli.ts --latents runs/latents [--level medium]  → <latents>/heldout/twins.json
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { captionAtLevel, type DetailLevel } from "./captions.ts";
import { objectAttrs } from "./layout.ts";
import { allowedColors } from "./palette.ts";
import { Rng } from "./rng.ts";
import { SHAPES, type Scene } from "./types.ts";

function twin(scene: Scene, change: (o: Scene["objects"][0]) => Scene["objects"][0]): Scene {
  return { ...scene, objects: scene.objects.map((o, i) => (i === 0 ? change(o) : o)) };
}

function main(): void {
  const { values } = parseArgs({
    options: { latents: { type: "string", default: "runs/latents" }, level: { type: "string", default: "medium" } },
    strict: true,
  });
  const level = values.level as DetailLevel;
  const items = [];
  for (const aspect of ["1x1", "16x9", "9x16"]) {
    const meta = JSON.parse(readFileSync(join(values.latents!, "heldout", `${aspect}.json`), "utf8")) as { scenes: Scene[] };
    for (const [index, scene] of meta.scenes.entries()) {
      const o = scene.objects[0];
      // The next shape that can show its motion (a spinning circle or ring changes no pixel).
      const shapes = SHAPES.filter((s) => s !== o.shape && !(o.motion === "spin" && (s === "circle" || s === "ring")));
      const colors = allowedColors(scene.background).filter((c) => !scene.objects.some((x) => x.color === c));
      const shapeTwin = twin(scene, (x) => ({ ...x, shape: shapes[index % shapes.length] }));
      const colorTwin = twin(scene, (x) => ({ ...x, color: colors[index % colors.length] }));
      const caption = (s: Scene) => captionAtLevel(s, new Rng(1000 + index), level);
      items.push({
        aspect, index, objects: scene.objects.length,
        caption: caption(scene), shape_twin: caption(shapeTwin), color_twin: caption(colorTwin),
        attrs: objectAttrs(scene), shape_twin_attrs: objectAttrs(shapeTwin), color_twin_attrs: objectAttrs(colorTwin),
      });
    }
  }
  const out = join(values.latents!, "heldout", "twins.json");
  writeFileSync(out, JSON.stringify({ level, items }));
  const same = items.filter((it) => it.caption === it.shape_twin).length;
  console.log(`wrote ${items.length} twins to ${out} (${same} whose shape twin reads the same: shape not named)`);
}

main();
