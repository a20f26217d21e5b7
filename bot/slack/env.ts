// The adapter's settings from the environment, for bot/start: SLACK_BOT_TOKEN turns Slack on; SLACK_APP_TOKEN picks
// Socket Mode (it wins when both transports are configured, since it needs no public URL), else SLACK_SIGNING_SECRET
// picks HTTP on /slack/events.
// Importing this module loads nothing of Bolt (types only), so bot/start can call it on every start.
import type { LogLevel } from "@slack/bolt";
import { readSetting } from "../../engine/config/settings.ts";
import type { AdapterOptions } from "../core/adapter.ts";
import type { SlackAdapterOptions } from "./index.ts";
import { SLACK_MAX_UPLOAD_MIB } from "./limits.ts";

function list(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** SLACK_LOG_LEVEL → Bolt's level (its enum's values are these words); default warn. */
export function logLevelFrom(value: string | undefined): LogLevel {
  const v = value?.trim().toLowerCase();
  return (LEVELS.find((l) => l === v) ?? "warn") as LogLevel;
}

/** undefined when SLACK_BOT_TOKEN is not set. */
export function slackOptionsFromEnv(env: NodeJS.ProcessEnv, base: AdapterOptions): SlackAdapterOptions | undefined {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  if (!botToken) return undefined;
  const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;
  const signingSecret = appToken ? undefined : env.SLACK_SIGNING_SECRET?.trim() || undefined;
  const fileHosts = list(env.SLACK_FILE_HOSTS);
  return {
    ...base,
    botToken,
    ...(appToken ? { appToken } : {}),
    ...(signingSecret ? { signingSecret } : {}),
    ...(env.SLACK_API_URL?.trim() ? { apiUrl: env.SLACK_API_URL.trim() } : {}),
    ...(fileHosts.length ? { fileHosts } : {}),
    ...(env.SLACK_CHALLENGE_GROUP?.trim() ? { challengeGroup: env.SLACK_CHALLENGE_GROUP.trim() } : {}),
    logLevel: logLevelFrom(env.SLACK_LOG_LEVEL),
    maxUploadBytes: readSetting(SLACK_MAX_UPLOAD_MIB, env) * 1024 * 1024,
  };
}
