// Caption word splitting exactly as the tokenizer does it (CONTRACTS.md §3), so the grammar can keep every caption
// within the text encoder's 40 tokens (one of which is <bos>).

export const MAX_TOKENS = 40;
export const MAX_CAPTION_WORDS = MAX_TOKENS - 1;

export function captionWords(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]/g, " ").split(/\s+/).filter((w) => w.length > 0);
}
