// The one-space hole, through the real command line: every hostile prompt (and negative prompt) makes a full-size clip
// whose metadata holds the exact text, writes nothing but the asked-for file, and opens no connection.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe, readMetadata } from "../../engine/video/index.ts";
import { hostilePrompts } from "./hostile-prompts.ts";

const root = join(import.meta.dirname, "../..");
const base = mkdtempSync(join(tmpdir(), "sora-hostile-cli-"));
const trapDir = join(base, "trap");
let trap: Server;
let connections = 0;
let trapUrl = "";

beforeAll(async () => {
  trap = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, "127.0.0.1", () => r()));
  trapUrl = `http://127.0.0.1:${(trap.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => trap.close(() => r()));
  rmSync(base, { recursive: true, force: true });
});

describe("hostile prompts through `sora generate`", () => {
  for (const { name, prompt, negativePrompt } of hostilePrompts(trapDir, "http://127.0.0.1:PORT")) {
    it(name, async () => {
      const p = prompt.replace("PORT", trapUrl.split(":").pop()!);
      const neg = negativePrompt.replace("PORT", trapUrl.split(":").pop()!);
      const cwd = mkdtempSync(join(base, "cwd-"));
      const r = spawnSync(process.execPath, [join(root, "bin/sora.mjs"), "generate", `--neg=${neg}`, "-o", "clip.mp4", "--seed", "1", "--", p], {
        cwd, encoding: "utf8", timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      // Only the clip: no stray file named after a word of the prompt (`--` and `--neg=` keep option-like text data).
      expect(readdirSync(cwd)).toEqual(["clip.mp4"]);
      const info = await probe(join(cwd, "clip.mp4"));
      expect(info).toMatchObject({ codec: "h264", width: 256, height: 256, frames: 17 });
      const meta = await readMetadata(join(cwd, "clip.mp4"));
      expect(meta.prompt).toBe(p);
      expect(meta.tags.ai_negative_prompt).toBe(neg);
      expect(meta.aiGenerated).toBe(true);
      expect(existsSync(trapDir)).toBe(false);
      expect(connections).toBe(0);
    });
  }
});
