import { describe, expect, it } from "vitest";
import { UserError } from "../../commands/errors.ts";
import { applyMotion, parseInlineFlags, RENDER_OPTIONS } from "../../commands/flags.ts";
import { t } from "../../commands/i18n.ts";

function failure(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError");
}

describe("inline flags", () => {
  it("reads every flag of the brief's example and leaves a clean prompt", () => {
    const r = parseInlineFlags('a red ball --ar 16:9 --seed 7 --steps 20 --gs 4 --neg "blurry" --seconds 4 --motion fast');
    expect(r).toEqual({
      prompt: "a red ball",
      options: { aspect: "16:9", seed: 7, steps: 20, guidance: 4, negativePrompt: "blurry", seconds: 4, motion: "fast" },
    });
  });

  it("takes unquoted negative text up to the next flag, and flags in the middle of the prompt", () => {
    const r = parseInlineFlags("a blue square --neg blurry, low quality --seed 3 sliding left");
    expect(r.prompt).toBe("a blue square sliding left");
    expect(r.options).toEqual({ negativePrompt: "blurry, low quality", seed: 3 });
  });

  it("accepts --flag=value, long names, upper case, typographic quotes, phone dashes and decimal commas", () => {
    const r = parseInlineFlags("a star —ar 9:16 --GUIDANCE=3,5 --neg “dark, noisy”");
    expect(r.options).toMatchObject({ aspect: "9:16", guidance: 3.5, negativePrompt: "dark, noisy" });
    expect(() => parseInlineFlags("x --aspect-less")).toThrow(UserError);
  });

  it("reads --raw as a switch without a value, anywhere in the prompt", () => {
    expect(parseInlineFlags("a red ball --raw --seed 3")).toEqual({ prompt: "a red ball", options: { raw: true, seed: 3 } });
    expect(parseInlineFlags("—raw a red ball")).toEqual({ prompt: "a red ball", options: { raw: true } });
    expect(failure(() => parseInlineFlags("a ball --raw=yes")).key).toBe("errors.unknownFlag");
    // The CLI's older spelling means the same here.
    expect(parseInlineFlags("a ball --no-expand")).toEqual({ prompt: "a ball", options: { raw: true } });
    expect(failure(() => parseInlineFlags("a ball --raw --raw")).key).toBe("errors.duplicateFlag");
  });

  it("leaves text without flags alone, dashes in words included", () => {
    expect(parseInlineFlags("  a well-known  red -- ball ")).toEqual({ prompt: "a well-known red -- ball", options: {} });
  });

  it("refuses an unknown flag, naming it and the known ones", () => {
    const e = failure(() => parseInlineFlags("a ball --style anime"));
    expect(e.key).toBe("errors.unknownFlag");
    expect(e.params.flag).toBe("--style");
    expect(String(e.params.known)).toContain("--seed");
    expect(t("de", e.key, e.params)).toContain("--style");
  });

  it("treats a flag the command does not take as unknown", () => {
    expect(parseInlineFlags("x --strength 0.5", [...RENDER_OPTIONS, "strength"]).options.strength).toBe(0.5);
    const e = failure(() => parseInlineFlags("x --strength 0.5"));
    expect(e.key).toBe("errors.unknownFlag");
    expect(String(e.params.known)).not.toContain("--strength");
  });

  it("refuses bad values with the limits in the message", () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ["x --steps 0", "errors.badInteger", { flag: "--steps", min: 1, max: 100, value: "0" }],
      ["x --steps 2.5", "errors.badInteger", { flag: "--steps", value: "2.5" }],
      ["x --seed -1", "errors.badInteger", { flag: "--seed", value: "-1" }],
      ["x --gs 21", "errors.badNumber", { flag: "--gs", min: 0, max: 20 }],
      ["x --seconds 61", "errors.badNumber", { flag: "--seconds", max: 60 }],
      ["x --seconds abc", "errors.badNumber", { value: "abc" }],
      ["x --ar 4:3", "errors.badChoice", { flag: "--ar", choices: "1:1, 16:9, 9:16", value: "4:3" }],
      ["x --motion warp", "errors.badChoice", { flag: "--motion", choices: "slow, normal, fast" }],
    ];
    for (const [input, key, params] of cases) {
      const e = failure(() => parseInlineFlags(input));
      expect(e.key, input).toBe(key);
      expect(e.params, input).toMatchObject(params);
    }
  });

  it("refuses a flag without a value, twice given, or an unclosed quote", () => {
    expect(failure(() => parseInlineFlags("x --seed")).key).toBe("errors.missingValue");
    expect(failure(() => parseInlineFlags("x --seed --steps 3")).key).toBe("errors.missingValue");
    expect(failure(() => parseInlineFlags("x --ar= 1:1")).key).toBe("errors.missingValue");
    expect(failure(() => parseInlineFlags("x --seed 1 --seed 2")).key).toBe("errors.duplicateFlag");
    expect(failure(() => parseInlineFlags("x --gs 2 --guidance 3")).key).toBe("errors.duplicateFlag");
    expect(failure(() => parseInlineFlags('x --neg "blurry')).key).toBe("errors.unclosedQuote");
  });

  it("keeps quotes that are part of the prompt", () => {
    expect(parseInlineFlags('a sign that says "hi" --seed 1').prompt).toBe('a sign that says "hi"');
  });
});

describe("motion words", () => {
  it("says the speed the way the captions the model learned from do", () => {
    expect(applyMotion("a red ball bouncing", "fast")).toBe("a red ball bouncing quickly");
    expect(applyMotion("a red ball bouncing", "slow")).toBe("a red ball bouncing slowly");
    expect(applyMotion("a red ball bouncing", "normal")).toBe("a red ball bouncing");
    expect(applyMotion("a ball rolling slowly", "fast")).toBe("a ball rolling slowly");
    expect(applyMotion("", "fast")).toBe("");
  });
});
