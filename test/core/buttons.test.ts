import { describe, expect, it } from "vitest";
import { cancelButton, clipButtons, decodeButtonId, encodeButtonId } from "../../commands/buttons.ts";
import { clipCaption } from "../../commands/deliver.ts";

describe("clip buttons", () => {
  it("has the seven clip actions, labelled in the reader's language, delete marked dangerous", () => {
    const b = clipButtons("clip_1", "es");
    expect(b.map((x) => x.label)).toEqual(["Extender", "Extender hacia atrás", "Remezclar", "Repetir", "Bucle", "Unir", "Borrar"]);
    expect(b.filter((x) => x.danger).map((x) => x.action)).toEqual(["delete"]);
    expect(cancelButton("job-9", "ja")).toMatchObject({ label: "キャンセル", id: "sora:cancel:job-9", danger: true });
  });

  it("round-trips its state through the id, and rejects ids that are not ours", () => {
    for (const b of clipButtons("abc:def", "en")) expect(decodeButtonId(b.id)).toEqual({ action: b.action, target: "abc:def" });
    expect(decodeButtonId("other:extend:x")).toBeUndefined();
    expect(decodeButtonId("sora:explode:x")).toBeUndefined();
    expect(decodeButtonId("sora:extend:")).toBeUndefined();
    expect(() => encodeButtonId("extend", "x".repeat(100))).toThrow(/100/);
  });
});

describe("clip caption", () => {
  it("lists kind, prompt, expanded prompt when different, seed, the reader's settings (no bookkeeping) and parent", () => {
    const text = clipCaption({
      id: "c2", parentId: "c1", rootId: "c1", kind: "extend", prompt: "it rolls left", expandedPrompt: "a red ball rolls to the left on grey",
      seed: 42, params: { steps: 20, aspect: "16:9", direction: "backward", jobId: "slack-1", frames: 17, nested: { x: 1 } }, createdAt: "", origin: { platform: "slack", userId: "u", locale: "de" },
    }, "de");
    expect(text.split("\n")).toEqual([
      "Verlängerung", "Text: it rolls left", "Erweiterter Text: a red ball rolls to the left on grey", "Seed: 42",
      "Einstellungen: 20 Schritte, Format 16:9, rückwärts", "Setzt fort: c1", "Clip-ID: c2",
    ]);
  });
});

describe("forged button ids", () => {
  it("an id longer than any we make is not ours (a remix form could not be built from it)", () => {
    expect(decodeButtonId(`sora:remix:${"🎈".repeat(60)}`)).toBeUndefined();
    expect(decodeButtonId("sora:remix:clip_1")).toEqual({ action: "remix", target: "clip_1" });
    expect(decodeButtonId("sora:retry:playground-abc")).toEqual({ action: "retry", target: "playground-abc" });
  });
});
