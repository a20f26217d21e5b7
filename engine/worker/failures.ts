// Which errors end a job for good and which are worth a retry. A bad job (it names a missing clip, asks for more
// than the model can do, carries an image that is no image) fails at once with a reason the adapter can show; anything
// else (Redis or disk trouble, a crashed model thread) is thrown as is and BullMQ retries it with RETRY's backoff.
import { UnrecoverableError } from "bullmq";
import { JobValidationError, permanentFailure } from "../queue/errors.ts";
import { RequestError } from "../pipeline/types.ts";
import { VideoTimeoutError } from "../video/errors.ts";
import { BadStoreInput, BlobNotFound, ClipNotFound } from "../store/errors.ts";

/** A problem with the job itself, found while preparing it; `userMessageKey` is a locales/ key. */
export class BadJob extends Error {
  override name = "BadJob";
  constructor(readonly userMessageKey: string, message: string) {
    super(message);
  }
}

/** The error to throw from the processor: an UnrecoverableError for permanent faults, else `err` itself. */
export function classify(err: unknown): Error {
  if (err instanceof UnrecoverableError || (err instanceof Error && err.name === "UnrecoverableError")) return err as Error;
  if (err instanceof BadJob) return permanentFailure(err.userMessageKey, err.message);
  if (err instanceof JobValidationError) return permanentFailure(err.userMessageKey, err.message);
  // RequestError messages are written to be shown to the person who asked.
  if (err instanceof RequestError) return permanentFailure("queue.invalidJob", err.message);
  if (err instanceof ClipNotFound || err instanceof BlobNotFound) return permanentFailure("queue.unknownClip", err.message);
  if (err instanceof BadStoreInput) return permanentFailure("queue.invalidJob", err.message);
  // A run that hit its wall-clock limit would hit it again: tell the user now rather than after three tries.
  if (err instanceof VideoTimeoutError || (err instanceof Error && err.name === "InferenceTimeoutError")) {
    return permanentFailure("queue.timedOut", err.message);
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function isPermanent(err: Error): boolean {
  return err instanceof UnrecoverableError || err.name === "UnrecoverableError";
}
