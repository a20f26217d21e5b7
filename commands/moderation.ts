// Prompt moderation: an operator-editable word list and regex patterns (SORA_BLOCKLIST_FILE, default blocklist.txt
// beside this file), matched after undoing the usual evasions. A refusal is a UserError with a fixed message, and
// the log line names the user and the rule (file:line) but never the prompt, so logs shared for debugging do not
// leak what other people typed.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UserError } from "./errors.ts";

export const DEFAULT_BLOCKLIST = fileURLToPath(new URL("./blocklist.txt", import.meta.url));

export interface Rule {
  /** "blocklist.txt:14": where an operator finds the rule. */
  id: string;
  /** Whole-word match over the normalised text. */
  word?: RegExp;
  /** Substring match over letters someone spaced out ("n u d e"); words only. */
  squashed?: RegExp;
  /** Operator regex, tried on the normalised and on the raw lower-cased text. */
  pattern?: RegExp;
}

export interface Blocklist {
  source: string;
  rules: Rule[];
}

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i", "|": "i", "+": "t" };
/** Scripts written without spaces: a word boundary means nothing there. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

function fold(text: string): string {
  // NFKC turns full-width ＮＵＤＥ into NUDE; NFD then splits accents off so "nüde" reads "nude". Only Latin
  // combining accents go: kana voicing marks (ド = ト + ゛) change the word.
  return text.normalize("NFKC").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
}

/** One word of a prompt: leetspeak only inside words that have letters, so "4 seconds" stays a number. */
function normaliseToken(token: string, joinInner: boolean): string {
  const core = token.replace(/^[^\p{L}\p{N}@$]+|[^\p{L}\p{N}]+$/gu, "");
  if (!/\p{L}/u.test(core)) return core;
  const mapped = [...core].map((c) => LEET[c] ?? c).join("");
  // "n.u.d.e" / "nu*de": the separators go (joinInner) or become spaces; the caller tries both.
  return mapped.replace(/[^\p{L}\p{N}]+/gu, joinInner ? "" : " ");
}

export interface NormalisedText {
  /** Variants to test whole words against: separators inside words removed, and turned into spaces. */
  variants: string[];
  /** Runs of three or more single letters, joined: "a n u d e pic" → "anude". */
  squashed: string[];
}

export function normaliseForModeration(text: string): NormalisedText {
  const tokens = fold(text).split(/\s+/).filter(Boolean);
  const variants = [true, false].map((join) => tokens.map((tk) => normaliseToken(tk, join)).filter(Boolean).join(" "));
  const squashed: string[] = [];
  let run: string[] = [];
  for (const tk of [...variants[1].split(" "), ""]) {
    if ([...tk].length === 1) run.push(tk);
    else {
      if (run.length >= 3) squashed.push(run.join(""));
      run = [];
    }
  }
  return { variants, squashed };
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** "nude" → /(?<![\p{L}\p{N}])n+u+d+e+(?![\p{L}\p{N}])/u: repeated letters ("nuuude") still match. */
function wordRule(entry: string, id: string): Rule {
  const words = normaliseForModeration(entry).variants[0].split(" ");
  const body = words.map((w) => [...w].map((c) => `${escape(c)}+`).join("")).join("\\s*");
  if (UNSPACED.test(entry)) return { id, word: new RegExp(body, "u") };
  return {
    id,
    word: new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "u"),
    squashed: new RegExp(words.join(""), "u"),
  };
}

export function parseBlocklist(text: string, source = "blocklist"): Blocklist {
  const rules: Rule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const id = `${source}:${i + 1}`;
    const re = /^\/(.+)\/([a-z]*)$/.exec(line);
    if (re) {
      try {
        rules.push({ id, pattern: new RegExp(re[1], re[2].includes("u") ? re[2] : `${re[2]}u`) });
      } catch (err) {
        throw new Error(`${id}: bad pattern: ${(err as Error).message}`, { cause: err });
      }
    } else {
      rules.push(wordRule(line, id));
    }
  });
  return { source, rules };
}

/** The operator's list (SORA_BLOCKLIST_FILE) or the shipped default. A bad file stops start-up: silence would be worse. */
export function loadBlocklist(env: NodeJS.ProcessEnv = process.env): Blocklist {
  const file = env.SORA_BLOCKLIST_FILE || DEFAULT_BLOCKLIST;
  return parseBlocklist(readFileSync(file, "utf8"), file.split(/[\\/]/).pop() ?? file);
}

/** The first rule a text breaks, or undefined. */
export function findViolation(list: Blocklist, text: string): Rule | undefined {
  const norm = normaliseForModeration(text);
  const raw = fold(text);
  return list.rules.find((r) =>
    (r.word && norm.variants.some((v) => r.word!.test(v))) ||
    (r.squashed && norm.squashed.some((s) => r.squashed!.test(s))) ||
    (r.pattern && [raw, ...norm.variants].some((v) => r.pattern!.test(v))));
}

export interface Requester {
  platform: string;
  userId: string;
  serverId?: string;
}

export type LogLine = (line: string) => void;

/**
 * Check every user-supplied text of a request (prompt, negative prompt). Throws the localized refusal and logs
 * one line naming who and which rule; returns quietly when all is clean.
 */
export function moderate(list: Blocklist, texts: readonly (string | undefined)[], who: Requester, log: LogLine = console.warn): void {
  for (const text of texts) {
    if (!text) continue;
    const rule = findViolation(list, text);
    if (rule) {
      log(`moderation: refused platform=${who.platform} user=${who.userId} server=${who.serverId ?? "-"} rule=${rule.id}`);
      throw new UserError("errors.blocked");
    }
  }
}
