// The Slack adapter: a Bolt app wired to commands/ and to the queue's events, over Socket Mode (SLACK_APP_TOKEN) or
// HTTP (SLACK_SIGNING_SECRET; the handler is mounted by our own HTTP server on POST /slack/events). The bot token is
// checked with auth.test before anything else, so a bad token stops start-up with a clear message instead of failing
// on the first event. Job state lives in Redis and the clip store, button state in action ids.
import { App, HTTPReceiver, webApi, type LogLevel } from "@slack/bolt";
import { kernel, type AdapterOptions } from "../core/adapter.ts";
import { t } from "../../commands/i18n.ts";
import { DEFAULT_MAX_IMAGE_BYTES } from "../../commands/reply.ts";
import { registerActions } from "./actions.ts";
import { registerCommand } from "./commands.ts";
import { registerChallengeCommand } from "./challenge-command.ts";
import { SlackChallengePort } from "./challenge-port.ts";
import { registerChallengeWorkflow } from "./challenge-workflow.ts";
import type { SlackDeps } from "./context.ts";
import { DEFAULT_COMMAND, DEFAULT_FUNCTION_DEADLINE_MS, DEFAULT_PROGRESS_INTERVAL_MS, SLACK_FILE_HOSTS } from "./limits.ts";
import { SlackLogger } from "./logger.ts";
import { SlackPort } from "./port.ts";
import { SLACK_EVENTS_PATH, type SlackHttpHandler } from "./route.ts";
import { registerMessages } from "./messages.ts";
import { SlackUsers } from "./users.ts";
import { registerWorkflow } from "./workflow.ts";

export interface SlackAdapterOptions extends AdapterOptions {
  /** SLACK_BOT_TOKEN (xoxb-…). */
  botToken: string;
  /** SLACK_APP_TOKEN (xapp-…, connections:write) → Socket Mode. */
  appToken?: string;
  /** SLACK_SIGNING_SECRET → HTTP mode: Slack posts to our server's /slack/events. */
  signingSecret?: string;
  /** SLACK_API_URL, e.g. http://127.0.0.1:PORT/api/ ; default Slack's. */
  apiUrl?: string;
  /** Hosts private files may be fetched from with the bot token (SLACK_FILE_HOSTS); default files.slack.com. */
  fileHosts?: readonly string[];
  /** SLACK_CHALLENGE_GROUP: a user group whose members may run prompt challenges besides admins. */
  challengeGroup?: string;
  /** The slash command; default /sora (as in manifest.json). */
  command?: string;
  /** How long a Workflow Builder step may wait for its clip before completing with the job id alone. */
  functionDeadlineMs?: number;
  /** Largest clip uploaded, in bytes (SLACK_MAX_UPLOAD_MIB); larger ones are re-encoded to fit, else linked. */
  maxUploadBytes?: number;
  /** Bolt's own log level (SLACK_LOG_LEVEL); default warn. */
  logLevel?: LogLevel;
}

export interface SlackAdapter {
  /** HTTP mode: the request handler for POST /slack/events on our HTTP server (route.ts); undefined in Socket Mode. */
  readonly httpHandler?: SlackHttpHandler;
  /** "socket" or "http". */
  readonly transport: "socket" | "http";
  close(): Promise<void>;
}

export { SLACK_EVENTS_PATH };

/** auth.test with the bot token: who we are, or a start-up error an operator can act on. */
async function whoAmI(client: webApi.WebClient): Promise<{ userId?: string; botId?: string; teamId?: string; name: string }> {
  try {
    const me = await client.auth.test();
    return { userId: me.user_id, botId: me.bot_id, teamId: me.team_id, name: `${me.user ?? "?"} @ ${me.team ?? "?"}` };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === "invalid_auth" || code === "not_authed" || code === "account_inactive" || code === "token_revoked") {
      throw new Error(`Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions`, { cause: err });
    }
    throw err;
  }
}

export async function startSlackAdapter(opts: SlackAdapterOptions): Promise<SlackAdapter> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!opts.appToken && !opts.signingSecret) {
    throw new Error("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode at /slack/events) besides SLACK_BOT_TOKEN");
  }
  const logger = new SlackLogger(log, opts.logLevel);
  const clientOptions: webApi.WebClientOptions = {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    // 429s are retried after Retry-After regardless; other failures a few times, not for half an hour.
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  const me = await whoAmI(new webApi.WebClient(opts.botToken, { ...clientOptions, logger }));

  const socketMode = Boolean(opts.appToken);
  const receiver = socketMode ? undefined : new HTTPReceiver({ signingSecret: opts.signingSecret!, endpoints: SLACK_EVENTS_PATH, logger });
  const app = new App({
    token: opts.botToken,
    botId: me.botId,
    botUserId: me.userId,
    // Already checked above; Bolt would otherwise call auth.test again on every event.
    tokenVerificationEnabled: false,
    logger,
    clientOptions,
    ...(socketMode ? { socketMode: true, appToken: opts.appToken } : { receiver }),
  });

  const { delivery, services, challenges } = kernel(opts, new SlackPort(app.client, {
    teamId: me.teamId, store: opts.store, log, ...(opts.maxUploadBytes ? { uploadLimit: opts.maxUploadBytes } : {}),
  }), { progressIntervalMs: DEFAULT_PROGRESS_INTERVAL_MS }, new SlackChallengePort(app.client, log, me.botId));
  const deps: SlackDeps = {
    ...services, client: app.client, store: opts.store, delivery, users: new SlackUsers(app.client, log),
    files: { hosts: opts.fileHosts ?? SLACK_FILE_HOSTS, token: opts.botToken, maxBytes: opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES },
    ...(me.userId ? { botUserId: me.userId } : {}), ...(opts.sharedImages ? { sharedImages: opts.sharedImages } : {}),
    ...(opts.challengeGroup ? { challengeGroup: opts.challengeGroup } : {}),
  };
  // Listeners ack first and then run the request here: one failed request must never take the bot down, and the
  // person already got an answer from commands/ (guarded).
  const safely = (what: string, fn: () => Promise<void>) => void fn().catch((err) => log(`slack: ${what} failed: ${(err as Error)?.stack ?? err}`));
  registerCommand(app, deps, opts.command ?? DEFAULT_COMMAND, safely);
  registerMessages(app, deps, safely);
  registerActions(app, deps, safely);
  registerChallengeCommand(app, deps, opts.challengeGroup, safely);
  registerChallengeWorkflow(app, deps, opts.challengeGroup);
  const workflow = registerWorkflow(app, deps, opts.functionDeadlineMs ?? DEFAULT_FUNCTION_DEADLINE_MS, safely);
  app.error(async (err) => log(`slack: ${err.code ?? "error"}: ${err.message}`));

  if (socketMode) await app.start();
  delivery.start();
  challenges?.run();
  const where = socketMode ? "Socket Mode" : `${opts.publicUrl?.replace(/\/+$/, "") ?? ""}${SLACK_EVENTS_PATH}`;
  log(`slack: ${t("en", "startup.ready", { platform: "Slack", name: me.name })} (${where})`);

  return {
    transport: socketMode ? "socket" : "http",
    ...(receiver ? { httpHandler: receiver.requestListener } : {}),
    async close() {
      // Before anything stops: waiting workflow steps are completed early with their job ids (the clips still come,
      // from whichever process takes the jobs over). Then the jobs' claims go back; the book itself is the app's.
      await workflow.close();
      await challenges?.close();
      await delivery.close();
      if (socketMode) await app.stop();
    },
  };
}
