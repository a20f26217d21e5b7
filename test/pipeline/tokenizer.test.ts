import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokenizer, splitWords, Tokenizer } from "../../engine/pipeline/tokenizer.ts";

const config = { lowercase: true, pad_id: 0, unk_id: 1, bos_id: 2, max_length: 40 };
const vocab = new Map(Object.entries({ "<pad>": 0, "<unk>": 1, "<bos>": 2, a: 3, red: 4, circle: 5, moves: 6, left: 7, "3": 8 }));
const tok = new Tokenizer(vocab, config);

describe("tokenizer (CONTRACTS §3)", () => {
  it("lowercases, maps non [a-z0-9] to spaces and splits on whitespace", () => {
    expect(splitWords("A RED-circle, moves\tleft!! 3x")).toEqual(["a", "red", "circle", "moves", "left", "3x"]);
    expect(splitWords("héllo wörld")).toEqual(["h", "llo", "w", "rld"]);
    expect(splitWords("  ...  ")).toEqual([]);
  });

  it("prefixes <bos>, maps unknown words to <unk> and reports them once, in order", () => {
    const r = tok.encode("A red dragon moves left, dragon; 3 zebras");
    expect(r.ids).toEqual([2, 3, 4, 1, 6, 7, 1, 8, 1]);
    expect(r.unknownWords).toEqual(["dragon", "zebras"]);
  });

  it("encodes the empty caption as [2]", () => {
    expect(tok.encode("").ids).toEqual([2]);
    expect(tok.encode("!!!").ids).toEqual([2]);
  });

  it("truncates to max_length including <bos>, but still reports unknown words past the cut", () => {
    const r = tok.encode(`${"red ".repeat(50)} unicorn`);
    expect(r.ids.length).toBe(40);
    expect(r.ids[0]).toBe(2);
    expect(r.unknownWords).toEqual(["unicorn"]);
  });

  it("right-pads a batch with 0 and masks the padding", () => {
    const b = tok.batch(["a red circle", ""]);
    expect(b.length).toBe(4);
    expect(Array.from(b.ids, Number)).toEqual([2, 3, 4, 5, 2, 0, 0, 0]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(tok.batch(["a"], 6).ids.length).toBe(6);
  });

  it("loads vocab.json and tokenizer_config.json and rejects broken ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "tok-"));
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
    writeFileSync(join(dir, "vocab.json"), JSON.stringify(Object.fromEntries(vocab)));
    const t = loadTokenizer(dir);
    expect(t.encode("red circle").ids).toEqual([2, 4, 5]);
    writeFileSync(join(dir, "vocab.json"), "[1,2]");
    expect(() => loadTokenizer(dir)).toThrow(/vocab.json must be an object/);
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ ...config, bos_id: "x" }));
    expect(() => loadTokenizer(dir)).toThrow(/bos_id/);
    expect(() => loadTokenizer(join(dir, "nope"))).toThrow(/missing/);
  });
});
