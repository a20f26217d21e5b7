// The Discord adapter: a discord.js client wired to commands/ and to the queue's events. Nothing here assumes one
// process: job state lives in Redis and the clip store, button state in custom_id, and a job whose process stopped
// is taken over through the shared DeliveryBook by a process that holds its server (see README.md, "Sharding").
import { Client, Events, Options, REST, type Interaction, type Message } from "discord.js";
import type { JobProducer } from "../../commands/context.ts";
import type { ClipEvents } from "../../engine/queue/index.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { JobFollower } from "../core/follow-job.ts";
import { t } from "../core/i18n.ts";
import type { Blocklist } from "../core/moderation.ts";
import { DEFAULT_MAX_IMAGE_BYTES } from "../core/replies.ts";
import type { DeliveryBook } from "../core/deliveries.ts";
import type { LostJobs } from "../core/lost-jobs.ts";
import type { ServerDefaults } from "../core/server-defaults.ts";
import type { AdapterDeps } from "./context.ts";
import { intentsFor, isDisallowedIntents, messageContentGranted } from "./intents.ts";
import { onInteraction } from "./interactions.ts";
import { DiscordJobs } from "./jobs.ts";
import { CDN_HOSTS, DEFER_AFTER_MS, discordErrorStatus } from "./limits.ts";
import { onMessage } from "./messages.ts";

export interface DiscordAdapterOptions {
  /** DISCORD_TOKEN. */
  token: string;
  /** DISCORD_API_BASE: the REST base, e.g. http://127.0.0.1:PORT/api; default Discord's. */
  apiBase?: string;
  /** The real engine/queue Producer. */
  producer: JobProducer;
  events: Pick<ClipEvents, "on" | "off">;
  store: ClipStore;
  blocklist: Blocklist;
  model: string;
  /** Where our HTTP server serves store blobs (PUBLIC_URL + "/blobs"), for links to clips too large to upload. */
  publicBaseUrl?: string;
  log?: (line: string) => void;
  /** Hosts attachments may be fetched from (DISCORD_CDN_HOSTS); default Discord's CDN. */
  cdnHosts?: readonly string[];
  /** Largest image accepted for animation; default bot/core's. */
  maxImageBytes?: number;
  /** Defer an interaction when the handler has not answered within this time; default 1.5 s. */
  deferAfterMs?: number;
  /** Minimum time between two edits of one progress message; default 1.5 s. */
  progressIntervalMs?: number;
  /** Ask for the Message Content intent: "auto" (default) reads the application's flags. */
  messageContent?: boolean | "auto";
  /** Per-server /defaults (shared with the other adapters); without it /defaults is unavailable. */
  defaults?: ServerDefaults;
  /** Requests the queue lost, kept for the Retry button (bot/core/lost-jobs.ts). */
  lostJobs?: LostJobs;
  /** Where each job's result goes (Redis, shared by every bot process): results survive restarts and post once. */
  deliveries: DeliveryBook;
  /** How often to take over jobs whose process stopped; default 10 s. */
  adoptEveryMs?: number;
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

  const follower = new JobFollower({
    events: opts.events, store: opts.store, status: (id) => opts.producer.status(id),
    intervalMs: opts.progressIntervalMs, log, ...(opts.lostJobs ? { lostJobs: opts.lostJobs } : {}),
  });
  const uploadLimits = new Map<string, number>();
  const jobs = new DiscordJobs({
    client, follower, store: opts.store, publicBaseUrl: opts.publicBaseUrl, log, uploadLimits, deliveries: opts.deliveries,
    ...(opts.adoptEveryMs ? { adoptEveryMs: opts.adoptEveryMs } : {}),
  });
  const deps: AdapterDeps = {
    client, producer: opts.producer, store: opts.store, blocklist: opts.blocklist, model: opts.model, log, jobs,
    cdnHosts: opts.cdnHosts ?? CDN_HOSTS, maxImageBytes: opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES,
    deferAfterMs: opts.deferAfterMs ?? DEFER_AFTER_MS, publicBaseUrl: opts.publicBaseUrl, uploadLimits, userLocales: new Map(),
    ...(opts.defaults ? { defaults: opts.defaults } : {}),
    ...(opts.lostJobs ? { lostJobs: opts.lostJobs } : {}),
  };
  // One failed event must never take the bot down; the person already got an answer from commands/ (guarded).
  const safely = (what: string, fn: () => Promise<void>) => void fn().catch((err) => log(`discord: ${what} failed: ${(err as Error)?.stack ?? err}`));
  client.on(Events.InteractionCreate, (i: Interaction) => safely(`interaction ${i.id}`, () => onInteraction(deps, i)));
  client.on(Events.MessageCreate, (m: Message) => safely(`message ${m.id}`, () => onMessage(deps, m)));
  client.on(Events.Error, (err) => log(`discord: client error: ${err.message}`));
  jobs.startAdopting();
  log(`discord: ${t("en", "startup.ready", { platform: "Discord", name: client.user?.tag ?? "?" })}`);

  return {
    client,
    messageContent,
    async close() {
      jobs.close();
      follower.close();
      await client.destroy();
    },
  };
}
