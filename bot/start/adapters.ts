// Chat platform adapters, each started when its token is set. Adapters are imported only when their token is set: a
// host without Discord never loads discord.js, one without Slack never loads Bolt.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JobProducer } from "../../commands/context.ts";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import type { DeliveryBook } from "../core/deliveries.ts";
import type { Blocklist } from "../core/moderation.ts";
import type { ServerDefaults } from "../core/server-defaults.ts";

export interface AdapterDeps {
  env: NodeJS.ProcessEnv;
  locale: string | undefined;
  log: (line: string) => void;
  producer: JobProducer;
  events: Pick<ClipEvents, "on" | "off">;
  store: ClipStore;
  blocklist: Blocklist;
  model: string;
  /** Per-server /defaults, one store for every adapter. */
  defaults?: ServerDefaults;
  /** Where each job's result goes, in Redis: survives restarts, shared by every bot process. */
  deliveries: DeliveryBook;
}

export interface Adapters {
  /** Platforms now connected. */
  running: string[];
  /** Slack over HTTP: the handler for POST /slack/events, which the playground's server mounts. */
  slackHttpHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startAdapters(d: AdapterDeps): Promise<Adapters> {
  const running: { name: string; close(): Promise<void> }[] = [];
  let slackHttpHandler: Adapters["slackHttpHandler"];
  const close = async () => {
    for (const a of running.splice(0).reverse()) await a.close().catch((err) => d.log(`shutdown: ${a.name}: ${err}`));
  };
  try {
    const token = d.env.DISCORD_TOKEN?.trim();
    if (token) {
      const cdnHosts = (d.env.DISCORD_CDN_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
      const { startDiscordAdapter } = await import("../discord/index.ts");
      const discord = await startDiscordAdapter({
        token, apiBase: d.env.DISCORD_API_BASE?.trim() || undefined,
        producer: d.producer, events: d.events, store: d.store, blocklist: d.blocklist, model: d.model, log: d.log,
        deliveries: d.deliveries, ...(d.defaults ? { defaults: d.defaults } : {}),
        // Links to clips too large to upload point at the playground's blob route, when it is reachable from outside.
        publicBaseUrl: d.env.PUBLIC_URL?.trim() ? `${d.env.PUBLIC_URL.trim().replace(/\/+$/, "")}/blobs` : undefined,
        ...(cdnHosts.length ? { cdnHosts } : {}),
      });
      running.push({ name: "Discord", close: () => discord.close() });
    }
    const { slackOptionsFromEnv } = await import("../slack/env.ts"); // types only: loads no Bolt code
    const slackOptions = slackOptionsFromEnv(d.env, {
      producer: d.producer, events: d.events, store: d.store, blocklist: d.blocklist, model: d.model, log: d.log,
      deliveries: d.deliveries, ...(d.defaults ? { defaults: d.defaults } : {}),
      publicBaseUrl: d.env.PUBLIC_URL?.trim() ? `${d.env.PUBLIC_URL.trim().replace(/\/+$/, "")}/blobs` : undefined,
    });
    if (slackOptions) {
      const { startSlackAdapter } = await import("../slack/index.ts");
      const slack = await startSlackAdapter(slackOptions);
      running.push({ name: "Slack", close: () => slack.close() });
      slackHttpHandler = slack.httpHandler;
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { running: running.map((a) => a.name), ...(slackHttpHandler ? { slackHttpHandler } : {}), close };
}
