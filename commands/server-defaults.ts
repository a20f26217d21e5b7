// Per-server defaults: a manager's `/defaults steps:12 aspect:16:9` fills in every later request from that server
// for the settings the requester left out (their own flags and options still win). The port is three calls (the
// Redis implementation is bot/core/defaults-store.ts). Values are checked with the inline flags' limits on the way in
// and again on the way out, so a stored value that a later limit no longer allows is dropped instead of failing
// every job.
import type { ClipJob, JobKind } from "../engine/queue/schema.ts";
import type { Platform } from "./context.ts";
import { checkOptionValue, type PromptOptions } from "./flags.ts";
import { isUserError } from "./errors.ts";

/** The settings a server may preset, in the order they are shown. */
export const DEFAULT_SETTINGS = ["aspect", "steps", "seconds", "guidance", "negativePrompt"] as const;
export type DefaultSetting = (typeof DEFAULT_SETTINGS)[number];
export type Defaults = Pick<PromptOptions, DefaultSetting>;

export interface ServerDefaults {
  /** The server's defaults; {} when none are set. */
  get(platform: Platform, serverId: string): Promise<Defaults>;
  /** Set the given settings, keeping the others. Values must already be checked (checkDefault). */
  set(platform: Platform, serverId: string, values: Defaults): Promise<void>;
  /** Forget every default of the server. */
  clear(platform: Platform, serverId: string): Promise<void>;
}

/** The word people see for a setting: the slash option's name (negativePrompt is `negative` there). */
export const SETTING_LABELS: Readonly<Record<DefaultSetting, string>> = {
  aspect: "aspect", steps: "steps", seconds: "seconds", guidance: "guidance", negativePrompt: "negative",
};

/** One value checked as its inline flag would be (PARAM_LIMITS, TEXT_LIMITS, aspect choices). Throws UserError. */
export function checkDefault<K extends DefaultSetting>(setting: K, raw: string | number): NonNullable<Defaults[K]> {
  return checkOptionValue(setting, typeof raw === "string" ? raw.trim() : raw, SETTING_LABELS[setting]) as NonNullable<Defaults[K]>;
}

/** Which defaults each job kind takes. Conditioned renders keep their clip's aspect (the worker refuses another),
 * a remix keeps its clip's length, an animation keeps its picture's shape, and reroll/loop/stitch repeat or join
 * existing clips with their own settings. */
const APPLIES: Readonly<Record<JobKind, readonly DefaultSetting[]>> = {
  generate: DEFAULT_SETTINGS,
  animate: ["steps", "seconds", "guidance", "negativePrompt"],
  extend: ["steps", "seconds", "guidance", "negativePrompt"],
  remix: ["steps", "guidance", "negativePrompt"],
  reroll: [],
  loop: [],
  stitch: [],
  interpolate: [],
};

/** The job with the server's defaults filled in where the job has no value of its own. */
export function withDefaults(job: ClipJob, defaults: Defaults): ClipJob {
  const out: ClipJob = { ...job };
  for (const k of APPLIES[job.kind]) {
    if (out[k] === undefined && defaults[k] !== undefined) (out as Record<string, unknown>)[k] = defaults[k];
  }
  return out;
}

/** Stored strings back to checked values; anything that no longer passes is left out. */
export function parseStored(hash: Record<string, string>): Defaults {
  const out: Defaults = {};
  for (const k of DEFAULT_SETTINGS) {
    const raw = hash[k];
    if (raw === undefined) continue;
    try {
      (out as Record<string, unknown>)[k] = checkDefault(k, raw);
    } catch (err) {
      if (!isUserError(err)) throw err;
    }
  }
  return out;
}
