import { describe, expect, it } from "vitest";
import { expandPrompt, shouldExpand } from "../../engine/pipeline/expand.ts";
import { Tokenizer } from "../../engine/pipeline/tokenizer.ts";
import { parsePrompt } from "../../engine/synth/index.ts";

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

  it("leaves fully specified and unrecognisable prompts alone", async () => {
    const full = "a small red square moves quickly to the right across a plain black background";
    expect(shouldExpand(full, parsePrompt(full))).toBe(false);
    expect((await expandPrompt(full, tok)).expandedPrompt).toBe(full);
    expect((await expandPrompt("hello world", tok)).expandedPrompt).toBe("hello world");
  });
});
