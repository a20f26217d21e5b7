// Every limit a job must respect, in one place: the job schema enforces them, and `commands/` imports the same
// constants to describe options (min/max in slash-command definitions) and to word refusals. Change a number here and
// both sides move together. What an operator may change comes from the environment (engine/config/limits.ts).
import { MAX_CLIP_SECONDS, RATE_SERVER_MAX, RATE_SERVER_WINDOW_S, RATE_USER_MAX, RATE_USER_WINDOW_S } from "../config/limits.ts";
import { readSetting } from "../config/settings.ts";

/** Numeric job parameters: inclusive ranges. */
export const PARAM_LIMITS = {
  steps: { min: 1, max: 100 },
  guidance: { min: 0, max: 20 },
  /** Requested clip length (SORA_MAX_CLIP_SECONDS, default 60). The engine may round to whole frames at its fps. */
  seconds: { min: 0.5, max: readSetting(MAX_CLIP_SECONDS) },
  /** Remix (SDEdit) strength: 0 would return the parent unchanged, so it is excluded. */
  strength: { min: 0.01, max: 1 },
  /** Seeds are unsigned 32-bit, as the pipeline takes them. */
  seed: { min: 0, max: 0xffff_ffff },
} as const;

/**
 * A stitch of chosen clips: at most this many parts (each at least a few frames, so the length limit, seconds.max,
 * is what binds in practice; this only bounds the work a single job may ask for).
 */
export const STITCH_LIMITS = { parts: 24 } as const;

/** Text lengths in characters (UTF-16 code units, as JavaScript counts them). */
export const TEXT_LIMITS = {
  prompt: 1000,
  negativePrompt: 1000,
  /** Event ids from chat platforms (snowflakes, event ids, UUIDs) are far shorter. */
  eventId: 200,
  /** User and server ids, and the values of an origin's opaque place and conversation. */
  platformId: 128,
  /** Clip ids and blob keys. */
  ref: 200,
  locale: 35,
} as const;

/** A sliding window: at most `max` jobs admitted in any `windowSeconds`. */
export interface RateWindow {
  max: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Per person, across servers and platforms (keyed by platform + user id). */
  user: RateWindow;
  /** Per server; jobs without a server (direct messages, the CLI) only count against the user limit. */
  server: RateWindow;
}

/**
 * The operator's limits (SORA_RATE_*). Defaults for a shared GPU running clips of tens of seconds each: ten clips per
 * person per ten minutes keeps one person from filling an hour of queue; a server gets ten people's worth.
 */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimits {
  return {
    user: { max: readSetting(RATE_USER_MAX, env), windowSeconds: readSetting(RATE_USER_WINDOW_S, env) },
    server: { max: readSetting(RATE_SERVER_MAX, env), windowSeconds: readSetting(RATE_SERVER_WINDOW_S, env) },
  };
}

export const DEFAULT_RATE_LIMITS: RateLimits = rateLimitsFromEnv({});

/** How long finished jobs stay in Redis (seconds); `status()` and duplicate-event answers rely on them until then. */
export const RETENTION = {
  completedSeconds: 24 * 3600,
  completedCount: 5000,
  failedSeconds: 7 * 24 * 3600,
  failedCount: 5000,
  /**
   * Idempotency keys outlive the jobs they point to, so a platform event redelivered late (a platform's retries, a
   * bot restart replaying interactions) still maps to its job and is never rendered twice.
   */
  eventSeconds: 7 * 24 * 3600,
} as const;

/** Retries for transient faults (a worker crash, Redis hiccup); bad jobs fail at once (UnrecoverableError). */
export const RETRY = { attempts: 3, backoffMs: 5000 } as const;
