// `npm ci` on a fresh clone refuses a lock file that misses any optional dependency some locked package declares
// (npm once wrote msgpackr-extract's other-platform packages out of it), and npm warns on every command about a
// project config key it does not know. Both are checked here without a network install.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { optionalDependencies?: Record<string, string> }>;
};

describe("install", () => {
  it("the lock file holds every optional dependency of every locked package, for every platform", () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
        // npm resolves a dependency next to its dependent first, then at the top.
        const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${dep}`]) missing.push(`${path || "(root)"} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it(".npmrc sets only keys npm knows (onnxruntime's switch lives in allowScripts and the environment)", () => {
    const keys = readFileSync(join(root, ".npmrc"), "utf8").split("\n").map((l) => l.split("=")[0]!.trim()).filter((k) => k && !k.startsWith("#"));
    expect(keys.filter((k) => !["fund", "audit", "update-notifier", "engine-strict"].includes(k))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts["onnxruntime-node"]).toBe(false);
  });
});
