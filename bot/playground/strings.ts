// The page's own words (title, placeholders, hints, labels) come from locales/ like every bot message: the page
// asks for them in the picked language and never carries English of its own.
import { RESOURCES, SUPPORTED_LOCALES, resolveLocale, t, type Tree } from "../../commands/i18n.ts";

const PAGE_KEYS = Object.keys((RESOURCES.en as Tree).playground as Tree);

export interface PageStrings {
  locale: string;
  strings: Record<string, string>;
  /** Every shipped language, named in itself (the picker shows "日本語", not "Japanese"). */
  locales: { code: string; name: string }[];
  model: string;
}

export function pageStrings(locale: string | undefined, model: string): PageStrings {
  const lng = resolveLocale(locale);
  return {
    locale: lng,
    strings: Object.fromEntries(PAGE_KEYS.map((k) => [k, t(lng, `playground.${k}`)])),
    locales: SUPPORTED_LOCALES.map((code) => ({ code, name: t(code, "playground.languageName") })),
    model,
  };
}
