// Every operator limit is listed in the README with its default: the table there is the operator's only manual.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allSettings } from "../../engine/config/settings.ts";
import "../../engine/config/limits.ts";
import "../../engine/worker/config.ts";
import "../../bot/web/settings.ts";
import "../../bot/slack/limits.ts";
import "../../commands/challenge-limits.ts";

const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

describe("the README's limits table", () => {
  it("names every setting with its default", () => {
    const rows = readme.split("\n").filter((l) => l.startsWith("| `"));
    const missing = allSettings().filter((s) => {
      const row = rows.find((r) => r.split("|")[1]!.includes(`\`${s.name}\``));
      if (!row) return true;
      // "a / b" rows list two settings and their two defaults in the same order.
      const names = row.split("|")[1]!.split("/").map((x) => x.trim());
      const defaults = row.split("|")[2]!.split("/").map((x) => x.trim());
      return defaults[names.indexOf(`\`${s.name}\``)] !== String(s.default);
    });
    expect(missing.map((s) => `${s.name} (default ${s.default})`)).toEqual([]);
  });
});
