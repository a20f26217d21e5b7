// Operator limits of prompt challenges (engine/config/settings.ts): how short and how long a challenge may run, how
// many entries one person may have, and how fast one person may vote. Read at each use, so a test (or an operator
// restarting with a new value) needs no hook in the code.
import { readSetting, setting } from "../engine/config/settings.ts";

export const CHALLENGE_MIN_SECONDS = setting({
  name: "SORA_CHALLENGE_MIN_SECONDS", default: 60, min: 1,
  about: "the shortest a prompt challenge (or each theme of a schedule) may run, in seconds",
});

export const CHALLENGE_MAX_DAYS = setting({
  name: "SORA_CHALLENGE_MAX_DAYS", default: 30, min: 1, max: 365,
  about: "the longest a prompt challenge may run, in days",
});

export const CHALLENGE_MAX_ENTRIES = setting({
  name: "SORA_CHALLENGE_MAX_ENTRIES", default: 10, min: 1, max: 100,
  about: "the most entries per person a challenge may allow (entries-per-user)",
});

export const CHALLENGE_VOTES_PER_MINUTE = setting({
  name: "SORA_CHALLENGE_VOTES_PER_MINUTE", default: 30, min: 1,
  about: "vote presses one person may make per minute (per platform + user)",
});

export const DEFAULT_ENTRIES_PER_USER = 3;

export function challengeLimits(env: NodeJS.ProcessEnv = process.env) {
  return {
    minMs: readSetting(CHALLENGE_MIN_SECONDS, env) * 1000,
    maxMs: readSetting(CHALLENGE_MAX_DAYS, env) * 86_400_000,
    maxEntries: readSetting(CHALLENGE_MAX_ENTRIES, env),
    votesPerMinute: readSetting(CHALLENGE_VOTES_PER_MINUTE, env),
  };
}
