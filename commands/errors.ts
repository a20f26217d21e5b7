// A mistake the user can fix, or a refusal: carries a locales/ key and params, never English text, so the adapter
// renders it in the reader's language. Anything that is not a UserError is our fault and is answered generically.
import type { Message, Params } from "./i18n.ts";

export class UserError extends Error implements Message {
  override name = "UserError";
  constructor(
    readonly key: string,
    readonly params: Params = {},
  ) {
    super(key);
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/**
 * The queue's typed errors (engine/queue/errors.ts) carry a `userMessageKey` from locales/. They are recognised by
 * name rather than instanceof so commands/ does not load BullMQ just to classify an error.
 */
export function fromQueueError(err: unknown): UserError | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { userMessageKey?: string; retryAfterSeconds?: number };
  if (e.name === "RateLimited" && typeof e.retryAfterSeconds === "number") {
    return new UserError(e.userMessageKey ?? "queue.rateLimited.user", { retry: { seconds: e.retryAfterSeconds } });
  }
  if (["NotAllowed", "JobValidationError", "QueueUnavailable"].includes(e.name) && typeof e.userMessageKey === "string") {
    return new UserError(e.userMessageKey);
  }
  // The store refuses an id or key that could never name anything it holds (engine/store/naming.ts).
  if (e.name === "BadStoreInput") return new UserError("errors.unknownClip");
  return undefined;
}
