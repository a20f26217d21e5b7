// Every locales/ key the code names literally must exist in English (and so, by locales.test.ts, everywhere).
// This includes the queue's userMessageKeys, which engine/queue raises and adapters render from locales/.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasKey } from "../../commands/i18n.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SECTIONS = ["commands", "contextMenus", "choices", "progress", "time", "errors", "queue", "results", "buttons", "modal", "replies", "clip", "status", "info", "startup", "defaults", "challenge", "history"];
// Double-quoted literals only: comments mention methods like `queue.add` in backticks.
const KEY = new RegExp(`"((?:${SECTIONS.join("|")})\\.[A-Za-z][\\w.]*[A-Za-z])"`, "g");

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

describe("keys named in code", () => {
  const sources = [...files("bot/core"), ...files("commands"), ...files("engine/queue")];
  const used = new Map<string, string>();
  for (const f of sources) {
    for (const m of readFileSync(join(ROOT, f), "utf8").matchAll(KEY)) {
      // Module paths like "commands/…" never match (no dot after the section); file names like "queue.ts" would.
      if (!/\.(ts|js|json|md)$/.test(m[1])) used.set(m[1], f);
    }
  }

  it("finds the keys it should (the scan works)", () => {
    expect(used.has("errors.emptyPrompt")).toBe(true);
    expect(used.has("queue.notAllowed")).toBe(true);
  });

  it("exist in English", () => {
    expect([...used].filter(([k]) => !hasKey(k)).map(([k, f]) => `${k} (${f})`)).toEqual([]);
  });
});
