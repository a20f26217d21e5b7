// The model name a bot host shows (/info, /health, the page) when no engine worker runs in its process: the pack
// the deployment is configured with (SORA_MODEL, else the shipped one). Read as plain JSON: loading the pipeline
// would pull in onnxruntime on hosts that never render.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SHIPPED = fileURLToPath(new URL("../../engine/models/default", import.meta.url));

export function configuredModelName(env: NodeJS.ProcessEnv): string {
  const dir = env.SORA_MODEL?.trim() ? resolve(env.SORA_MODEL.trim()) : SHIPPED;
  try {
    const index = JSON.parse(readFileSync(join(dir, "model_index.json"), "utf8")) as { name?: unknown };
    return typeof index.name === "string" ? index.name : dir;
  } catch {
    return dir;
  }
}
