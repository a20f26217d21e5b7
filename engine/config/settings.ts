// Operator settings read from the environment: each one a named number with its default, its bounds and one line
// that says what it limits. Every limit of the product is declared with `setting()` somewhere, so the README's table
// and the start-up check (checkSettings) cover them all; a test holds the README to this list.

export interface Setting {
  /** The environment variable. */
  readonly name: string;
  readonly default: number;
  readonly min: number;
  readonly max?: number;
  readonly integer: boolean;
  /** What it limits, for the README and the start-up error. */
  readonly about: string;
}

export class SettingError extends Error {
  override name = "SettingError";
}

const registry = new Map<string, Setting>();

/** Declare a setting (once per name; a module loaded twice gets the same object back). */
export function setting(s: Omit<Setting, "integer"> & { integer?: boolean }): Setting {
  const known = registry.get(s.name);
  if (known) return known;
  const full: Setting = { ...s, integer: s.integer ?? true };
  registry.set(s.name, full);
  return full;
}

/** Every setting declared so far (modules declare theirs when loaded). */
export function allSettings(): Setting[] {
  return [...registry.values()];
}

function problem(s: Setting, raw: string): string | undefined {
  const n = Number(raw);
  const range = s.max === undefined ? `at least ${s.min}` : `from ${s.min} to ${s.max}`;
  if (!Number.isFinite(n) || (s.integer && !Number.isInteger(n)) || n < s.min || (s.max !== undefined && n > s.max)) {
    return `${s.name}=${JSON.stringify(raw)} is not valid: it must be ${s.integer ? "a whole number" : "a number"} ${range} (${s.about}; default ${s.default})`;
  }
  return undefined;
}

/** The setting's value: the environment's when set, else the default. Throws SettingError for a bad value. */
export function readSetting(s: Setting, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[s.name]?.trim();
  if (!raw) return s.default;
  const why = problem(s, raw);
  if (why) throw new SettingError(why);
  return Number(raw);
}

/** One message per badly set variable among `settings` (all declared ones by default); empty when all are fine. */
export function checkSettings(env: NodeJS.ProcessEnv = process.env, settings: Setting[] = allSettings()): string[] {
  return settings.flatMap((s) => {
    const raw = env[s.name]?.trim();
    const why = raw ? problem(s, raw) : undefined;
    return why ? [why] : [];
  });
}
