// Typed errors the producer throws and the worker raises. Each carries a `userMessageKey` (a locales/ key) so an
// adapter can answer in the user's language without parsing English text.
import { UnrecoverableError } from "bullmq";

export interface ValidationIssue {
  /** Dotted field path ("steps", "origin.userId"); empty for the job as a whole. */
  path: string;
  message: string;
}

/** A job that can never run as given. The message lists every issue, e.g. `steps: must be between 1 and 100`. */
export class JobValidationError extends Error {
  override name = "JobValidationError";
  constructor(
    readonly issues: ValidationIssue[],
    /** "queue.invalidJob", or "queue.unknownClip" when the job names a clip (a stitched part too) the store lacks. */
    readonly userMessageKey = "queue.invalidJob",
  ) {
    super(`invalid job: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`);
  }
}

/** Too many jobs in the window; retry after `retryAfterSeconds` (≥ 1, rounded up). */
export class RateLimited extends Error {
  override name = "RateLimited";
  readonly userMessageKey: string;
  constructor(
    readonly scope: "user" | "server",
    readonly retryAfterSeconds: number,
    readonly limit: number,
    readonly windowSeconds: number,
  ) {
    super(`rate limited (${scope}: ${limit} per ${windowSeconds}s); retry in ${retryAfterSeconds}s`);
    this.userMessageKey = scope === "user" ? "queue.rateLimited.user" : "queue.rateLimited.server";
  }
}

/**
 * Redis is unreachable (down, restarting, or not answering within the deadline): the request was not queued. The
 * producer says so at once rather than leave the person waiting for a queue that may not come back soon.
 */
export class QueueUnavailable extends Error {
  override name = "QueueUnavailable";
  readonly userMessageKey = "queue.unavailable";
}

/** Someone tried to cancel (or delete) what is not theirs, without the manager flag. */
export class NotAllowed extends Error {
  override name = "NotAllowed";
  readonly userMessageKey = "queue.notAllowed";
}

/**
 * Thrown in a worker when a running job's cancel flag is seen. It extends UnrecoverableError so BullMQ fails the job
 * at once instead of retrying it; the reason is CANCELLED_REASON, which events.ts turns into a `cancelled` event.
 */
export const CANCELLED_REASON = "[queue.cancelled] cancelled";
export class JobCancelled extends UnrecoverableError {
  constructor() {
    super(CANCELLED_REASON);
    // BullMQ also recognises unrecoverable errors by name (they cross sandboxed-process boundaries by name).
    this.name = "UnrecoverableError";
  }
}

/**
 * BullMQ keeps only an error's message as the failed reason, so a user-message key travels inside it:
 * `[key] text`. Workers build reasons with `failureReason`; events.ts splits them with `parseFailureReason`.
 */
export function failureReason(userMessageKey: string, text: string): string {
  return `[${userMessageKey}] ${text}`;
}

export const DEFAULT_FAILURE_KEY = "queue.failed";

export function parseFailureReason(reason: string): { userMessageKey: string; reason: string } {
  const m = /^\[([A-Za-z0-9_.-]+)\] ([\s\S]*)$/.exec(reason);
  return m ? { userMessageKey: m[1], reason: m[2] } : { userMessageKey: DEFAULT_FAILURE_KEY, reason };
}

/** A failure the worker knows is permanent (missing parent, unreadable image): no retries. */
export function permanentFailure(userMessageKey: string, text: string): UnrecoverableError {
  const err = new UnrecoverableError(failureReason(userMessageKey, text));
  err.name = "UnrecoverableError";
  return err;
}
