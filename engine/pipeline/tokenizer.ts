// The word-level tokenizer of CONTRACTS §3. The Python trainer implements the same rules; any change here must be
// made there too, or the model sees ids it was never trained on.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface TokenizerConfig {
  lowercase: boolean;
  pad_id: number;
  unk_id: number;
  bos_id: number;
  max_length: number;
}

export interface Tokenized {
  /** `[bos, ...word ids]`, truncated to `max_length`. */
  ids: number[];
  /** Words that are not in the vocabulary (they became `<unk>`), in order of first appearance, without repeats. */
  unknownWords: string[];
}

/** Lowercase, turn every character outside [a-z0-9] into a space, split on whitespace. */
export function splitWords(text: string, lowercase = true): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  return t.replace(/[^a-z0-9]/g, " ").split(/\s+/).filter((w) => w.length > 0);
}

export class Tokenizer {
  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly config: TokenizerConfig,
  ) {}

  has(word: string): boolean {
    return this.vocab.has(word);
  }

  /** Ids for one caption plus the words the model does not know (reported so callers never drop them silently). */
  encode(text: string): Tokenized {
    const { bos_id, unk_id, max_length, lowercase } = this.config;
    const ids = [bos_id];
    const unknown: string[] = [];
    for (const w of splitWords(text, lowercase)) {
      const id = this.vocab.get(w);
      if (id === undefined && !unknown.includes(w)) unknown.push(w);
      ids.push(id ?? unk_id);
    }
    return { ids: ids.slice(0, max_length), unknownWords: unknown };
  }

  /**
   * A right-padded batch as the text encoder wants it: `input_ids` int64 [B, L] and `text_mask` (1 = token, 0 = pad).
   * `length` defaults to the longest row; pass `max_length` to pad every batch to the same width.
   */
  batch(texts: string[], length?: number): { ids: BigInt64Array; mask: Float32Array; length: number } {
    const rows = texts.map((t) => this.encode(t).ids);
    const L = length ?? Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * L).fill(BigInt(this.config.pad_id));
    const mask = new Float32Array(rows.length * L);
    rows.forEach((row, b) => {
      for (let i = 0; i < Math.min(row.length, L); i++) {
        ids[b * L + i] = BigInt(row[i]);
        mask[b * L + i] = 1;
      }
    });
    return { ids, mask, length: L };
  }
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`${what} is missing: ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${path}): ${(e as Error).message}`, { cause: e });
  }
}

/** Load `tokenizer/vocab.json` and `tokenizer/tokenizer_config.json` from a directory, checking them against §3. */
export function loadTokenizer(dir: string): Tokenizer {
  const cfg = readJson(join(dir, "tokenizer_config.json"), "tokenizer config") as Partial<TokenizerConfig>;
  for (const key of ["pad_id", "unk_id", "bos_id", "max_length"] as const) {
    if (!Number.isInteger(cfg[key]) || (cfg[key] as number) < 0) {
      throw new Error(`tokenizer_config.json: "${key}" must be a non-negative integer`);
    }
  }
  if (cfg.max_length! < 1) throw new Error(`tokenizer_config.json: "max_length" must be at least 1`);
  const config: TokenizerConfig = {
    lowercase: cfg.lowercase !== false,
    pad_id: cfg.pad_id!,
    unk_id: cfg.unk_id!,
    bos_id: cfg.bos_id!,
    max_length: cfg.max_length!,
  };
  const raw = readJson(join(dir, "vocab.json"), "tokenizer vocab");
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`vocab.json must be an object { word: id }`);
  }
  const vocab = new Map<string, number>();
  for (const [word, id] of Object.entries(raw as Record<string, unknown>)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new Error(`vocab.json: id of "${word}" is not an integer`);
    vocab.set(word, id as number);
  }
  return new Tokenizer(vocab, config);
}
