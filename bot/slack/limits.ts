// Slack's documented limits and defaults the adapter works within, in one place so each is stated once.
import { setting } from "../../engine/config/settings.ts";

/** Where Slack serves private files (url_private, url_private_download). Only these get the bot token. */
export const SLACK_FILE_HOSTS: readonly string[] = ["files.slack.com"];

/** Block Kit: a section's text, a button's label, a modal's title, an actions block's elements. */
export const SECTION_TEXT_MAX = 3000;
export const BUTTON_TEXT_MAX = 75;
export const MODAL_TITLE_MAX = 24;
export const MODAL_BUTTON_MAX = 24;
/** An image block's alt_text. */
export const IMAGE_ALT_MAX = 2000;
/** chat.postMessage truncates `text` past 40,000 characters and advises under 4,000. */
export const MESSAGE_TEXT_MAX = 4000;

/** chat.update is Tier 3 (about 50 a minute) and Slack asks for about one message edit per second per channel. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1500;

/** The slash command the manifest declares. */
export const DEFAULT_COMMAND = "/sora";

/** The custom function's callback id in the manifest (Workflow Builder's "Generate video clip" step). */
export const FUNCTION_CALLBACK_ID = "generate_video_clip";

/**
 * How long a Workflow Builder step may keep its execution token before answering. A job that would take longer
 * completes the step early with its job id (the clip is still posted to the channel when it is ready).
 */
export const DEFAULT_FUNCTION_DEADLINE_MS = 10 * 60 * 1000;

/** users.info is Tier 4; a person's locale and admin flag rarely change within an hour. */
export const USER_CACHE_TTL_MS = 60 * 60 * 1000;
export const USER_CACHE_MAX = 5000;

/** Slack takes files of up to 1 GB (files.getUploadURLExternal); a workspace may restrict large uploads further. */
export const SLACK_FILE_MAX_BYTES = 1024 * 1024 * 1024;

/** Where a workspace restricts large uploads, its limit: clips are re-encoded to fit it, else linked. */
export const SLACK_MAX_UPLOAD_MIB = setting({
  name: "SLACK_MAX_UPLOAD_MIB", default: 1024, min: 1, max: 1024,
  about: "the largest clip the Slack adapter uploads, in MiB (lower it where the workspace restricts large files)",
});

/**
 * files.getUploadURLExternal / completeUploadExternal refusals that no retry will change: the workspace restricts
 * large uploads, has turned uploads off, or does not allow the file's type. The clip is linked instead.
 */
export const UPLOAD_REFUSALS: ReadonlySet<string> = new Set(["file_upload_size_restricted", "file_uploads_disabled", "file_type_not_allowed"]);
