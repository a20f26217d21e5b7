// The one place user-facing text comes from: every locales/*.json file, loaded once into a private i18next instance.
// Platforms hand us their own locale codes (Discord "es-419", Slack "es-LA", "pt_BR"), so resolveLocale maps any of
// them onto a language we ship before i18next sees it; i18next's own fallback (pt-BR → pt → en) then covers a key a
// translation might lack at runtime (the locale test keeps that from shipping).
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import i18next from "i18next";
import { formatDuration } from "./duration.ts";

export const LOCALES_DIR = fileURLToPath(new URL("../locales/", import.meta.url));
export const DEFAULT_LOCALE = "en";

/** A duration parameter: rendered as "1 min 5 s" in the reader's language, so messages can travel unrendered. */
export interface DurationParam {
  seconds: number;
}
export type ParamValue = string | number | DurationParam;
export type Params = Record<string, ParamValue>;

/** A user-facing message before rendering: adapters (or handlers) render it in the reader's locale. */
export interface Message {
  key: string;
  params?: Params;
}

export type Tree = { [k: string]: string | Tree };

function loadResources(dir: string): Record<string, Tree> {
  const out: Record<string, Tree> = {};
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith(".json")) out[file.slice(0, -".json".length)] = JSON.parse(readFileSync(dir + file, "utf8"));
  }
  if (!out[DEFAULT_LOCALE]) throw new Error(`locales: ${dir}${DEFAULT_LOCALE}.json is missing`);
  return out;
}

/** Every locale file as parsed JSON, keyed by locale code (the file name). */
export const RESOURCES: Readonly<Record<string, Tree>> = loadResources(LOCALES_DIR);

/** Regional codes we ship under another name. Everything else is matched by language subtag. */
const ALIASES: Record<string, string> = {
  pt: "pt-BR", // the only Portuguese we ship; pt-PT readers understand it far better than English
};

export interface Translator {
  locales: readonly string[];
  resolveLocale(code: string | undefined | null): string;
  hasKey(key: string): boolean;
  t(locale: string | undefined, key: string, params?: Params): string;
}

/** A translator over a set of resources; the module's own is built from locales/ below. */
export function createTranslator(resources: Readonly<Record<string, Tree>>): Translator {
  const locales = Object.keys(resources);
  const instance = i18next.createInstance();
  void instance.init({
    resources: Object.fromEntries(Object.entries(resources).map(([lng, tree]) => [lng, { translation: tree }])),
    lng: DEFAULT_LOCALE,
    fallbackLng: { "pt-BR": ["pt", DEFAULT_LOCALE], default: [DEFAULT_LOCALE] },
    // Resources are in memory, so init completes synchronously and t() works right after import.
    initAsync: false,
    // Output goes to chat platforms, not HTML; each adapter escapes for its own markup.
    interpolation: { escapeValue: false },
    returnNull: false,
  });

  /**
   * Any platform locale code → a locale we ship. Discord sends "en-US", "es-419", "pt-BR", "ja"; Slack "en-US",
   * "es-LA", "ja-JP", sometimes with underscores. Unknown or missing → English.
   */
  function resolveLocale(code: string | undefined | null): string {
    if (!code) return DEFAULT_LOCALE;
    const norm = code.trim().replace(/_/g, "-").toLowerCase();
    const exact = locales.find((l) => l.toLowerCase() === norm);
    if (exact) return exact;
    const lang = norm.split("-")[0];
    if (ALIASES[lang] && locales.includes(ALIASES[lang])) return ALIASES[lang];
    return locales.find((l) => l.toLowerCase() === lang) ?? DEFAULT_LOCALE;
  }

  /** Render one key; DurationParam values become localized durations. A key missing everywhere renders as itself. */
  function t(locale: string | undefined, key: string, params: Params = {}): string {
    const lng = resolveLocale(locale);
    const values: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(params)) {
      values[name] = typeof value === "object" ? formatDuration(value.seconds, (k, p) => t(lng, k, p)) : value;
    }
    return instance.t(key, { ...values, lng }) as string;
  }

  return { locales, resolveLocale, t, hasKey: (key) => instance.exists(key, { lng: DEFAULT_LOCALE }) };
}

const main = createTranslator(RESOURCES);
export const SUPPORTED_LOCALES: readonly string[] = main.locales;
export const resolveLocale = main.resolveLocale;
/** True when English (the reference locale) has this key as a string. */
export const hasKey = main.hasKey;
export const t = main.t;

export function render(locale: string | undefined, message: Message): string {
  return t(locale, message.key, message.params);
}

/** One key in every shipped locale, e.g. for a command's localized names. */
export function localizations(key: string): Record<string, string> {
  return Object.fromEntries(SUPPORTED_LOCALES.map((lng) => [lng, t(lng, key)]));
}
