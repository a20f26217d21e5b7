import { describe, expect, it } from "vitest";
import { discordLocalizations } from "../../bot/discord/commands-json.ts";
import { localizations, resolveLocale, RESOURCES, SUPPORTED_LOCALES, t } from "../../commands/i18n.ts";
import { COMMANDS } from "../../commands/index.ts";

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

const en = flatten(RESOURCES.en as Tree);

describe("locales", () => {
  it("ships English and at least es, fr, de, ja, pt-BR", () => {
    for (const l of ["en", "es", "fr", "de", "ja", "pt-BR"]) expect(SUPPORTED_LOCALES).toContain(l);
  });

  for (const lng of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
    describe(lng, () => {
      const other = flatten(RESOURCES[lng] as Tree);
      it("has every English key and no other", () => {
        expect([...en.keys()].filter((k) => !other.has(k)), "missing").toEqual([]);
        expect([...other.keys()].filter((k) => !en.has(k)), "extra").toEqual([]);
      });
      it("uses the same {{placeholders}} as English in every string", () => {
        const wrong = [...en].filter(([k, v]) => other.has(k) && placeholders(other.get(k)!).join() !== placeholders(v).join());
        expect(wrong.map(([k]) => k)).toEqual([]);
      });
      it("has no empty strings", () => {
        expect([...other].filter(([, v]) => v.trim() === "").map(([k]) => k)).toEqual([]);
      });
    });
  }

  it("the parity check itself catches a missing key and a bad placeholder", () => {
    const broken = flatten({ errors: { blocked: "x {{oops}}" } });
    expect([...en.keys()].filter((k) => !broken.has(k)).length).toBeGreaterThan(0);
    expect(placeholders(broken.get("errors.blocked")!)).not.toEqual(placeholders(en.get("errors.blocked")!));
  });

  it("command and choice names fit Discord's rules in every locale", () => {
    // Discord: chat-input names are lower-case letters, digits, - and _, 1..32; descriptions 1..100.
    const nameRule = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
    for (const c of Object.values(COMMANDS)) {
      for (const [lng, name] of Object.entries(localizations(c.definition.nameKey))) {
        expect(name, `${lng} ${c.definition.nameKey}`).toMatch(nameRule);
        expect(name, `${lng} ${c.definition.nameKey}`).toBe(name.toLowerCase());
      }
      // Subcommands are named like commands (and within one command, no two alike in a locale).
      const subs = c.definition.subcommands ?? [];
      for (const sub of subs) {
        for (const [lng, name] of Object.entries(localizations(sub.nameKey))) {
          expect(name, `${lng} ${sub.nameKey}`).toMatch(nameRule);
          expect(name, `${lng} ${sub.nameKey}`).toBe(name.toLowerCase());
        }
      }
      for (const lng of SUPPORTED_LOCALES) expect(new Set(subs.map((x) => t(lng, x.nameKey))).size, `${lng} subcommands`).toBe(subs.length);
      const options = [...c.definition.options, ...subs.flatMap((x) => x.options)];
      const texts = [c.definition.descriptionKey, ...subs.map((x) => x.descriptionKey), ...options.map((o) => o.descriptionKey),
        ...options.flatMap((o) => o.choices?.map((ch) => ch.nameKey) ?? [])];
      for (const key of texts) {
        for (const [lng, text] of Object.entries(localizations(key))) {
          expect(text.length, `${lng} ${key}`).toBeGreaterThan(0);
          expect(text.length, `${lng} ${key}: ${text}`).toBeLessThanOrEqual(100);
          expect(text, `${lng} ${key} is untranslated`).not.toBe(key);
        }
      }
    }
    // Two commands with one name in a locale would make Discord refuse the whole registration.
    for (const lng of SUPPORTED_LOCALES) {
      const names = Object.values(COMMANDS).map((c) => t(lng, c.definition.nameKey));
      expect(new Set(names).size, `${lng}: ${names.join(" ")}`).toBe(names.length);
    }
    for (const key of ["contextMenus.extend", "contextMenus.remix"]) {
      for (const text of Object.values(localizations(key))) expect(text.length).toBeLessThanOrEqual(32);
    }
  });
});

describe("locale resolution", () => {
  it("maps Discord and Slack codes onto shipped locales", () => {
    expect(resolveLocale("en-US")).toBe("en");
    expect(resolveLocale("en-GB")).toBe("en");
    expect(resolveLocale("es-419")).toBe("es");
    expect(resolveLocale("es-LA")).toBe("es");
    expect(resolveLocale("es-ES")).toBe("es");
    expect(resolveLocale("fr-CA")).toBe("fr");
    expect(resolveLocale("de-DE")).toBe("de");
    expect(resolveLocale("ja-JP")).toBe("ja");
    expect(resolveLocale("pt-BR")).toBe("pt-BR");
    expect(resolveLocale("pt_BR")).toBe("pt-BR");
    expect(resolveLocale("pt-PT")).toBe("pt-BR");
    expect(resolveLocale("PT")).toBe("pt-BR");
    expect(resolveLocale("ko-KR")).toBe("en");
    expect(resolveLocale(undefined)).toBe("en");
    expect(resolveLocale("")).toBe("en");
  });

  it("renders in the resolved language and falls back to English for unknown languages", () => {
    expect(t("es-419", "buttons.extend")).toBe("Extender");
    expect(t("ja-JP", "buttons.delete")).toBe("削除");
    expect(t("pt-PT", "buttons.stitch")).toBe("Juntar");
    expect(t("zh-CN", "buttons.reroll")).toBe("Reroll");
  });

  it("interpolates numbers and localized durations, without HTML escaping", () => {
    expect(t("en", "queue.rateLimited.user", { retry: { seconds: 125 } })).toBe("You've started a lot of clips lately. Try again in 2 min 5 s.");
    expect(t("ja", "queue.rateLimited.user", { retry: { seconds: 30 } })).toContain("30 秒");
    expect(t("en", "errors.badChoice", { flag: "--ar", choices: "1:1, 16:9", value: "<4:3>" })).toContain("“<4:3>”");
  });

  it("gives Discord its own locale codes", () => {
    const d = discordLocalizations("commands.extend.name");
    expect(d).toMatchObject({ "en-US": "extend", "en-GB": "extend", "es-ES": "extender", "es-419": "extender", fr: "prolonger", de: "verlängern", ja: "延長", "pt-BR": "estender" });
  });
});

describe("fallback chain", () => {
  it("goes pt-BR → pt → en for a key a translation lacks", async () => {
    const { createTranslator } = await import("../../commands/i18n.ts");
    const tr = createTranslator({
      en: { a: "A en", b: "B en", c: "C en" },
      pt: { b: "B pt" },
      "pt-BR": { a: "A br" },
      fr: { a: "A fr" },
    });
    expect(tr.t("pt-BR", "a")).toBe("A br");
    expect(tr.t("pt-BR", "b")).toBe("B pt");
    expect(tr.t("pt_BR", "c")).toBe("C en");
    expect(tr.t("fr-CA", "b")).toBe("B en");
    expect(tr.t("fr", "missing.key")).toBe("missing.key");
    expect(tr.hasKey("c")).toBe(true);
    expect(tr.hasKey("missing.key")).toBe(false);
  });
});
