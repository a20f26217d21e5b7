// Prompt expansion. The model only ever read captions written by engine/synth, so a terse prompt ("a red ball") is
// rewritten into that caption style with every attribute stated ("a medium red circle sits still in the middle of a
// plain black background"), the defaults coming from synth's describeScene. A prompt that already states
// everything the captions do is kept as the user wrote it.
import { describeScene, parsePrompt, type ParsedPrompt } from "../synth/index.ts";
import type { Tokenizer } from "./tokenizer.ts";
import { splitWords } from "./tokenizer.ts";

/** At or below this many words a prompt is "short" and always expanded (if it names anything the parser knows). */
export const SHORT_PROMPT_WORDS = 6;

export interface Expansion {
  expandedPrompt: string;
  /** Words of the prompt, or of its expansion, that are not in the model's vocabulary (they became `<unk>`). */
  unknownWords: string[];
}

/** True when the parse leaves out something every training caption states: background, colour, shape, motion. */
export function isUnderspecified(parsed: ParsedPrompt): boolean {
  if (!parsed.background) return true;
  return parsed.objects.some((o) => !o.color || !o.shape || !o.motion);
}

export function shouldExpand(prompt: string, parsed: ParsedPrompt): boolean {
  // Nothing recognisable to build a scene from: rewriting would invent a scene the user never asked for.
  if (parsed.objects.length === 0 && !parsed.background) return false;
  return splitWords(prompt).length <= SHORT_PROMPT_WORDS || isUnderspecified(parsed);
}

export async function expandPrompt(prompt: string, tokenizer: Tokenizer, opts: { expand?: boolean } = {}): Promise<Expansion> {
  let expandedPrompt = prompt;
  if (opts.expand !== false) {
    const parsed = parsePrompt(prompt);
    if (shouldExpand(prompt, parsed)) {
      expandedPrompt = describeScene({ objects: parsed.objects, background: parsed.background }, "long");
    }
  }
  // Report both: words the user typed that the model cannot read (even if the rewrite replaced them, the user
  // should know they were not understood) and any word of the rewrite itself that is missing from the vocabulary.
  const unknown = [...tokenizer.encode(prompt).unknownWords];
  for (const w of tokenizer.encode(expandedPrompt).unknownWords) if (!unknown.includes(w)) unknown.push(w);
  return { expandedPrompt, unknownWords: unknown };
}
