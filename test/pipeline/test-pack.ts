// Which model pack the integration tests run against: SORA_MODEL when set, else the trained default pack when it
// exists, else the untrained pack engine/train drops in runs/random-pack; none → the tests skip and say why.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_MODEL_DIR, REPO_ROOT, resolveModelDir } from "../../engine/pipeline/pack.ts";

export interface TestPack {
  dir: string | undefined;
  reason: string;
  /** An untrained pack: outputs are noise, so only shapes and mechanics can be checked, not looks. */
  untrained: boolean;
}

export function findTestPack(): TestPack {
  const candidates: Array<[string, string]> = [];
  if (process.env.SORA_MODEL) candidates.push([resolveModelDir(process.env.SORA_MODEL), "SORA_MODEL"]);
  candidates.push([DEFAULT_MODEL_DIR, "default pack"]);
  const random = join(REPO_ROOT, "runs", "random-pack");
  candidates.push([random, "random pack"]);
  for (const [dir, why] of candidates) {
    // runs/random-pack is written in place; its READY file says the export finished.
    const ready = dir === random ? existsSync(join(dir, "READY")) : existsSync(join(dir, "model_index.json"));
    if (!ready) continue;
    const card = existsSync(join(dir, "README.md")) ? readFileSync(join(dir, "README.md"), "utf8") : "";
    // export.py --random marks its card "**Untrained**"; a trained pack's card says "untrained" too (its floor row).
    return { dir, reason: `${why}: ${dir}`, untrained: card.includes("**Untrained**") };
  }
  return {
    dir: undefined,
    untrained: true,
    reason: `no model pack: set SORA_MODEL, or export one to engine/models/default or runs/random-pack (python3 engine/train/export.py --random --out runs/random-pack)`,
  };
}
