import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../commands/errors.ts";
import { t } from "../../commands/i18n.ts";
import { findViolation, loadBlocklist, moderate, parseBlocklist } from "../../commands/moderation.ts";

const list = parseBlocklist(["# test list", "nude", "explicit sex", "/\\bkill\\s+all\\b/", "ポルノ"].join("\n"), "test.txt");

describe("moderation", () => {
  it("blocks listed words through case, accents, leetspeak, separators, spacing and repeats", () => {
    for (const p of ["a NUDE beach", "a nüde beach", "a nud3 beach", "a ńudé beach", "a n.u.d.e beach", "a nu*de beach",
      "a n u d e beach", "a nuuuude beach", "a ＮＵＤＥ beach", "nude-beach"]) {
      expect(findViolation(list, p)?.id, p).toBe("test.txt:2");
    }
    for (const p of ["explicit sex", "explicit   sex", "EXPL1CIT SEX"]) expect(findViolation(list, p)?.id, p).toBe("test.txt:3");
  });

  it("lets innocent text through, numbers and words that merely contain a listed word", () => {
    for (const p of ["a red ball bouncing for 4 seconds", "a denuded hillside", "a nudge", "sex-ed poster? no: explicit", "5 nodes", "a 1080p sunset"]) {
      expect(findViolation(list, p), p).toBeUndefined();
    }
  });

  it("applies operator regexes to the normalised text", () => {
    expect(findViolation(list, "KILL   ALL humans")?.id).toBe("test.txt:4");
    expect(findViolation(list, "k1ll all")?.id).toBe("test.txt:4");
    expect(findViolation(list, "skill all day")).toBeUndefined();
  });

  it("matches unspaced scripts anywhere, and keeps kana voicing marks apart", () => {
    expect(findViolation(list, "これはポルノです")?.id).toBe("test.txt:5");
    expect(findViolation(list, "ホルノ")).toBeUndefined();
  });

  it("refuses with a localized message and logs who and which rule, never the prompt", () => {
    const lines: string[] = [];
    let err: unknown;
    try {
      moderate(list, ["a calm lake", "secret words and a nude figure"], { platform: "discord", userId: "u1", serverId: "g1" }, (l) => lines.push(l));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).key).toBe("errors.blocked");
    expect(t("fr", (err as UserError).key)).toContain("Désolé");
    expect(lines).toEqual(["moderation: refused platform=discord user=u1 server=g1 rule=test.txt:2"]);
    expect(lines[0]).not.toMatch(/secret|nude|figure/);
  });

  it("is quiet for clean text", () => {
    const lines: string[] = [];
    moderate(list, ["a calm lake", undefined], { platform: "slack", userId: "u" }, (l) => lines.push(l));
    expect(lines).toEqual([]);
  });

  it("loads SORA_BLOCKLIST_FILE instead of the default, and the default otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "sora-blocklist-"));
    const file = join(dir, "mine.txt");
    writeFileSync(file, "# only this\nbanana\n");
    const mine = loadBlocklist({ SORA_BLOCKLIST_FILE: file });
    expect(findViolation(mine, "a Banana split")?.id).toBe("mine.txt:2");
    expect(findViolation(mine, "a nude beach")).toBeUndefined();
    const shipped = loadBlocklist({});
    expect(shipped.rules.length).toBeGreaterThan(10);
    expect(findViolation(shipped, "a nude beach")).toBeDefined();
    expect(findViolation(shipped, "a red ball bouncing on a beach at sunset")).toBeUndefined();
  });

  it("refuses a broken pattern at load time, naming the line", () => {
    expect(() => parseBlocklist("ok\n/[unclosed/", "bad.txt")).toThrow(/bad\.txt:2/);
  });
});
