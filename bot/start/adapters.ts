// Chat platform adapters, each started when its token is set. A platform whose adapter is not built yet (Slack, for
// now) is reported, not an error, so the same .env works before and after it lands. Adapters are imported only when
// their token is set: a host without Discord never loads discord.js.
import type { JobProducer } from "../../commands/context.ts";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { ClipStore } from "../../engine/store/index.ts";
import { t } from "../core/i18n.ts";
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
}

export interface Adapters {
  /** Platforms now connected. */
  running: string[];
  close(): Promise<void>;
}

const NOT_BUILT = [{ platform: "Slack", variable: "SLACK_BOT_TOKEN" }] as const;

export async function startAdapters(d: AdapterDeps): Promise<Adapters> {
  const running: { name: string; close(): Promise<void> }[] = [];
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
        ...(d.defaults ? { defaults: d.defaults } : {}),
        // Links to clips too large to upload point at the playground's blob route, when it is reachable from outside.
        publicBaseUrl: d.env.PUBLIC_URL?.trim() ? `${d.env.PUBLIC_URL.trim().replace(/\/+$/, "")}/blobs` : undefined,
        ...(cdnHosts.length ? { cdnHosts } : {}),
      });
      running.push({ name: "Discord", close: () => discord.close() });
    }
    for (const p of NOT_BUILT) {
      if (d.env[p.variable]?.trim()) d.log(t(d.locale, "startup.adapterMissing", { variable: p.variable, platform: p.platform }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { running: running.map((a) => a.name), close };
}
