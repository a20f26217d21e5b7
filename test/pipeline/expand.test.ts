import { describe, expect, it } from "vitest";
import { expandPrompt, shouldExpand } from "../../engine/pipeline/expand.ts";
import { Tokenizer } from "../../engine/pipeline/tokenizer.ts";
import { heldoutSet, parsePrompt } from "../../engine/synth/index.ts";

const words = "a an the red blue circle square moves moving right left medium sized sits still in center of frame plain black background on".split(" ");
const tok = new Tokenizer(new Map(words.map((w, i) => [w, i + 3])), { lowercase: true, pad_id: 0, unk_id: 1, bos_id: 2, max_length: 40 });

describe("prompt expansion", () => {
  it("rewrites a short prompt into a detailed caption", async () => {
    const r = await expandPrompt("a red ball", tok);
    expect(r.expandedPrompt).not.toBe("a red ball");
    expect(r.expandedPrompt.split(/\s+/).length).toBeGreaterThan(6);
    expect(r.expandedPrompt.toLowerCase()).toContain("red");
    // deterministic
    expect((await expandPrompt("a red ball", tok)).expandedPrompt).toBe(r.expandedPrompt);
  });

  it("keeps the prompt verbatim with expand: false", async () => {
    const r = await expandPrompt("a red ball", tok, { expand: false });
    expect(r.expandedPrompt).toBe("a red ball");
    expect(r.unknownWords).toEqual(["ball"]);
  });

  it("reports words missing from the vocabulary, from the prompt and from its rewrite", async () => {
    const r = await expandPrompt("a red dragon ball", tok);
    expect(r.unknownWords.slice(0, 2)).toEqual(["dragon", "ball"]);
    const rewriteUnknown = tok.encode(r.expandedPrompt).unknownWords;
    for (const w of rewriteUnknown) expect(r.unknownWords).toContain(w);
  });

  it("rewrites a complete prompt in another phrasing too, keeping everything it says", async () => {
    const full = "over a solid white background, a small red square slides quickly to the right";
    const r = await expandPrompt(full, tok);
    expect(r.expandedPrompt).not.toBe(full);
    const [before, after] = [parsePrompt(full), parsePrompt(r.expandedPrompt)];
    expect(after.background).toEqual(before.background);
    expect(after.objects[0]).toMatchObject({ color: "red", shape: "square", size: "small", speed: "fast", motion: "right" });
  });

  it("keeps every attribute of the held-out prompts (phrasings the model never saw) in their rewrites", async () => {
    for (const item of [...heldoutSet(200, 1), ...heldoutSet(200, 7)]) {
      const parsed = parsePrompt(item.caption);
      expect(shouldExpand(parsed), item.caption).toBe(true);
      const again = parsePrompt((await expandPrompt(item.caption, tok)).expandedPrompt);
      expect(again.background, item.caption).toEqual(parsed.background);
      expect(again.objects.length, item.caption).toBe(parsed.objects.length);
      parsed.objects.forEach((o, i) => expect(again.objects[i], item.caption).toMatchObject(o));
    }
  });

  it("rewrites a continuation against its parent's scene, even when its own words name nothing", async () => {
    const parentPrompt = "A small blue square stays in place on the left side of the frame across a plain white background.";
    const r = await expandPrompt("now it moves right", tok, { parentPrompt });
    expect(parsePrompt(r.expandedPrompt)).toMatchObject({
      objects: [{ color: "blue", shape: "square", size: "small", motion: "right" }], background: { kind: "solid", color: "white" },
    });
    const same = await expandPrompt("hello world", tok, { parentPrompt });
    expect(parsePrompt(same.expandedPrompt).objects).toEqual(parsePrompt(parentPrompt).objects);
    expect(same.unknownWords.slice(0, 2)).toEqual(["hello", "world"]);   // the rest: rewrite words this tiny vocabulary lacks
    expect((await expandPrompt("now it moves right", tok, { parentPrompt, expand: false })).expandedPrompt).toBe("now it moves right");
  });

  it("leaves prompts with nothing it recognises alone", async () => {
    expect(shouldExpand(parsePrompt("hello world"))).toBe(false);
    expect((await expandPrompt("hello world", tok)).expandedPrompt).toBe("hello world");
  });
});
