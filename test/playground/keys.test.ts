// Every locales/ key the playground, its web chat and the launcher name literally exists (test/locales checks the
// other folders), and the page's own strings are complete in every language.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasKey, SUPPORTED_LOCALES } from "../../commands/i18n.ts";
import { pageStrings } from "../../bot/playground/strings.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const KEY = /"((?:playground|startup|errors|queue|results|progress|modal)\.[A-Za-z][\w.]*[A-Za-z])"/g;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [join(dir, e.name)] : []);
}

describe("playground and launcher keys", () => {
  const used = new Map<string, string>();
  for (const f of [...sources("bot/playground"), ...sources("bot/web"), ...sources("bot/start")]) {
    for (const m of readFileSync(join(ROOT, f), "utf8").matchAll(KEY)) if (!/\.(ts|js|json)$/.test(m[1])) used.set(m[1], f);
  }

  it("exist in English (and so, by test/locales, everywhere)", () => {
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter(([k]) => !hasKey(k)).map(([k, f]) => `${k} (${f})`)).toEqual([]);
  });

  it("the page's words are translated, not English, in every other language", () => {
    const en = pageStrings("en", "m").strings;
    for (const lng of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
      const other = pageStrings(lng, "m").strings;
      const same = Object.keys(en).filter((k) => other[k] === en[k] && !["bot"].includes(k));
      expect(same, lng).toEqual([]);
    }
  });
});
