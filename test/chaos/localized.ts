// Whether an answer reached the person in their language: no raw key, no placeholder left unfilled, no stack trace.
/**
 * A text shown by a platform that looks like a raw key ("errors.unknownClip"), an unfilled template or a stack trace.
 * Braces the person typed themselves (`input`) may come back quoted.
 */
export function looksRaw(text: string, input = ""): boolean {
  const placeholders = (s: string) => (s.match(/\{\{[^}]*\}\}/g) ?? []).length;
  return placeholders(text) > placeholders(input) || /^(errors|queue|progress|playground|results)\.[A-Za-z.]+$/.test(text.trim()) || /\bat .*\.ts:\d+/.test(text);
}
