// Reading what files.uploadV2 answers: the uploaded file's id, and whether a failure was the workspace refusing the
// upload for good (too large for its restriction, uploads off, type not allowed) rather than a fault worth raising.
import { UPLOAD_REFUSALS } from "./limits.ts";

/** files.uploadV2 answers { files: [completeUploadExternal's answer, …] }, each with its own files list. */
export function firstFileId(res: unknown): string | undefined {
  const outer = (res as { files?: { files?: { id?: string }[] }[] }).files;
  return outer?.[0]?.files?.[0]?.id;
}

/** The Slack error code when `err` is one of the refusals that a link answers (UPLOAD_REFUSALS), else undefined. */
export function uploadRefusal(err: unknown): string | undefined {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === "string" && UPLOAD_REFUSALS.has(code) ? code : undefined;
}
