// What counts as "no text": whitespace, and characters that draw nothing (zero-width spaces and joiners, direction
// marks, byte-order marks, control characters). A prompt made only of those would reach the model as nothing, so the
// queue, the pipeline and the commands all refuse it as empty, the same way.
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800]/gu;

export function isBlank(text: string): boolean {
  return text.replace(INVISIBLE, "") === "";
}

/** At most `max` characters: a longer text is cut and ends with "…" (platforms cap message, label and title lengths). */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
