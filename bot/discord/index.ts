// The Discord adapter: a discord.js client wired to commands/ and to the queue's events. Nothing here assumes one
// process: job state lives in Redis and the clip store, button state in custom_id, and a job whose process stopped
// is taken over through the shared DeliveryBook by a process that holds its server (see README.md, "Sharding").
import { Client, Events, Options, REST, type Interaction, type Message } from "discord.js";
import { kernel, type AdapterOptions } from "../core/adapter.ts";
import { t } from "../../commands/i18n.ts";
import { DEFAULT_MAX_IMAGE_BYTES } from "../../commands/reply.ts";
import type { DiscordDeps } from "./context.ts";
import { intentsFor, isDisallowedIntents, messageContentGranted } from "./intents.ts";
import { onInteraction } from "./interactions.ts";
import { CDN_HOSTS, DEFER_AFTER_MS, discordErrorStatus } from "./limits.ts";
import { onMessage } from "./messages.ts";
import { DiscordPort } from "./port.ts";
import { DiscordChallengePort } from "./challenge-port.ts";

export interface DiscordAdapterOptions extends AdapterOptions {
  /** DISCORD_TOKEN. */
  token: string;
  /** DISCORD_API_BASE: the REST base, e.g. http://127.0.0.1:PORT/api; default Discord's. */
  apiBase?: string;
  /** Hosts attachments may be fetched from (DISCORD_CDN_HOSTS); default Discord's CDN. */
  cdnHosts?: readonly string[];
  /** Defer an interaction when the handler has not answered within this time; default 1.5 s. */
  deferAfterMs?: number;
  /** DISCORD_CHALLENGE_ROLES: role ids whose members may run prompt challenges besides Manage Server. */
  challengeRoles?: readonly string[];
  /** Ask for the Message Content intent: "auto" (default) reads the application's flags. */
  messageContent?: boolean | "auto";
}

export interface DiscordAdapter {
  close(): Promise<void>;
  /** Whether the Message Content intent is in use (else: mentions, buttons and context menus only). */
  readonly messageContent: boolean;
  readonly client: Client;
}

function makeClient(opts: DiscordAdapterOptions, messageContent: boolean): Client {
  return new Client({
    intents: intentsFor(messageContent),
    ...(opts.apiBase ? { rest: { api: opts.apiBase } } : {}),
    // Replies are resolved through the store, not the cache: a small message cache is plenty.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 50 }),
  });
}

/**
 * Log in and wait for READY and every guild; reject if the gateway refuses for good (bad token, intents). A client
 * that failed is destroyed, so nothing of it lingers.
 */
async function connect(client: Client, token: string): Promise<void> {
  let refused: ((ev: { code: number }) => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      refused = (ev) => reject(Object.assign(new Error(`gateway closed the connection (${ev.code})`), { code: ev.code }));
      client.once(Events.ClientReady, () => resolve());
      client.once(Events.ShardDisconnect, refused);
      client.login(token).catch(reject);
    });
  } catch (err) {
    await client.destroy();
    throw err;
  } finally {
    if (refused) client.off(Events.ShardDisconnect, refused);
  }
}

export async function startDiscordAdapter(opts: DiscordAdapterOptions): Promise<DiscordAdapter> {
  const log = opts.log ?? ((line: string) => console.log(line));
  let messageContent = opts.messageContent ?? "auto";
  if (messageContent === "auto") {
    const rest = new REST(opts.apiBase ? { api: opts.apiBase } : {}).setToken(opts.token);
    messageContent = await messageContentGranted(rest).catch((err) => {
      if (discordErrorStatus(err) === 401) throw new Error("Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token again (Developer Portal → Bot → Reset Token)");
      throw err;
    });
  }
  let client = makeClient(opts, messageContent);
  try {
    await connect(client, opts.token);
  } catch (err) {
    if (!messageContent || !isDisallowedIntents(err)) throw err;
    // The flags said yes but the portal switch is off (or was just turned off): run without it.
    messageContent = false;
    client = makeClient(opts, messageContent);
    await connect(client, opts.token);
  }
  if (!messageContent) log(`discord: ${t("en", "startup.messageContentMissing")}`);

  const port = new DiscordPort(client, opts.store, log);
  const uploadLimits = new Map<string, number>();
  const { delivery, services, challenges } = kernel(opts, port, {}, new DiscordChallengePort(client, (id) => uploadLimits.get(id)));
  const deps: DiscordDeps = {
    ...services, client, store: opts.store, delivery, port, cdnHosts: opts.cdnHosts ?? CDN_HOSTS,
    maxImageBytes: opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES, deferAfterMs: opts.deferAfterMs ?? DEFER_AFTER_MS,
    uploadLimits, userLocales: new Map(), challengeRoles: opts.challengeRoles ?? [],
  };
  // One failed event must never take the bot down; the person already got an answer from commands/ (guarded).
  const safely = (what: string, fn: () => Promise<void>) => void fn().catch((err) => log(`discord: ${what} failed: ${(err as Error)?.stack ?? err}`));
  client.on(Events.InteractionCreate, (i: Interaction) => safely(`interaction ${i.id}`, () => onInteraction(deps, i)));
  client.on(Events.MessageCreate, (m: Message) => safely(`message ${m.id}`, () => onMessage(deps, m)));
  client.on(Events.Error, (err) => log(`discord: client error: ${err.message}`));
  delivery.start();
  challenges?.run();
  log(`discord: ${t("en", "startup.ready", { platform: "Discord", name: client.user?.tag ?? "?" })}`);

  return {
    client,
    messageContent,
    async close() {
      await challenges?.close();
      await delivery.close();
      await client.destroy();
    },
  };
}
