// A job's clip id is a function of its job id: a retried job, or one taken again after its worker crashed, looks up
// this id first and finds the clip an earlier attempt stored, instead of rendering and storing a second one.
import { createHash } from "node:crypto";

/** Clip ids allow letters, digits, _ and - (engine/store/naming.ts); job ids may also hold dots (Slack ts ids). */
export function clipIdForJob(jobId: string): string {
  if (/^[A-Za-z0-9_-]{1,190}$/.test(jobId)) return `clip_${jobId}`;
  // Job ids always start with "<platform>-", so a hashed id ("clip_h…") can never equal a plain one.
  return `clip_h${createHash("sha256").update(jobId).digest("hex").slice(0, 40)}`;
}
