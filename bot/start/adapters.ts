// Chat platform adapters, each started when its token is set. Adapters are imported only when their token is set: a
// host without Discord never loads discord.js, one without Slack never loads Bolt.
//
// Starting is not waited for: the HTTP server (playground, /health) is already up, and a platform whose API cannot be
// reached must not hold the rest of the process hostage. Each adapter connects in the background with a deadline per
// attempt, retries with a growing pause while the platform is unreachable, and reports where it stands in /health.
// A refused token is final (it will not get better by retrying); a missing transport setting is refused at once.
import type { AdapterOptions } from "../core/adapter.ts";
import type { AdapterHealth } from "../http/health.ts";
import type { SlackHttpHandler as HttpHandler } from "../slack/route.ts";

export interface AdaptersOptions extends AdapterOptions {
  env: NodeJS.ProcessEnv;
  locale: string | undefined;
  log: (line: string) => void;
  /** Longest one connection attempt may take; default 60 s. */
  attemptMs?: number;
  /** First pause after a failed attempt (doubling up to 5 min); default 5 s. */
  retryMs?: number;
}

export interface Adapters {
  /** Platforms whose tokens are set, connected or not. */
  configured: string[];
  status(): Record<string, AdapterHealth>;
  /** Slack over HTTP: the handler for POST /slack/events once Slack has started (undefined before, or in Socket Mode). */
  slackHttpHandler(): HttpHandler | undefined;
  /** Resolves when every configured adapter is connected, or has failed for good. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Running {
  close(): Promise<void>;
  httpHandler?: HttpHandler;
}

interface Plan {
  name: string;
  start: () => Promise<Running>;
}

const MAX_RETRY_MS = 5 * 60_000;

/** A refused token never starts working by itself: say so and stop trying. */
const isFinal = (err: unknown) =>
  /refused (DISCORD_TOKEN|SLACK_BOT_TOKEN)|401 Unauthorized|invalid_auth|not_authed|token_revoked|account_inactive/.test((err as Error)?.message ?? "");

export async function startAdapters(d: AdaptersOptions): Promise<Adapters> {
  const plans: Plan[] = [];
  const { env } = d;
  const base: AdapterOptions = { ...d, ...(env.PUBLIC_URL?.trim() ? { publicUrl: env.PUBLIC_URL.trim() } : {}) };
  const token = env.DISCORD_TOKEN?.trim();
  if (token) {
    const cdnHosts = (env.DISCORD_CDN_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
    const challengeRoles = (env.DISCORD_CHALLENGE_ROLES ?? "").split(",").map((r) => r.trim()).filter(Boolean);
    plans.push({
      name: "discord",
      start: async () => {
        const { startDiscordAdapter } = await import("../discord/index.ts");
        return startDiscordAdapter({ ...base, token, apiBase: env.DISCORD_API_BASE?.trim() || undefined, ...(cdnHosts.length ? { cdnHosts } : {}), challengeRoles });
      },
    });
  }
  const { slackOptionsFromEnv } = await import("../slack/env.ts"); // types only: loads no Bolt code
  const slackOptions = slackOptionsFromEnv(env, base);
  if (slackOptions) {
    // A configuration mistake, not an outage: refused now, before anything starts.
    if (!slackOptions.appToken && !slackOptions.signingSecret) {
      throw new Error("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode at /slack/events) besides SLACK_BOT_TOKEN");
    }
    plans.push({
      name: "slack",
      start: async () => {
        const { startSlackAdapter } = await import("../slack/index.ts");
        return startSlackAdapter(slackOptions);
      },
    });
  }

  const state: Record<string, AdapterHealth> = Object.fromEntries(plans.map((p) => [p.name, { state: "connecting" }]));
  const running = new Map<string, Running>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const attemptMs = d.attemptMs ?? 60_000;

  const keep = async (p: Plan): Promise<void> => {
    let pause = d.retryMs ?? 5_000;
    while (!closed) {
      const attempt = p.start();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within ${attemptMs / 1000} s`)), attemptMs);
        timers.add(timer);
      });
      try {
        const r = await Promise.race([attempt, deadline]);
        if (closed) {
          await r.close().catch(() => undefined);
          return;
        }
        running.set(p.name, r);
        state[p.name] = { state: "connected" };
        return;
      } catch (err) {
        // An attempt that outlived its deadline may still connect: close it when it does, the next try starts afresh.
        void attempt.then((late) => late.close(), () => undefined).catch(() => undefined);
        const error = (err as Error)?.message ?? String(err);
        if (isFinal(err)) {
          state[p.name] = { state: "failed", error };
          d.log(`${p.name}: ${error}`);
          return;
        }
        state[p.name] = { state: "connecting", error };
        d.log(`${p.name}: not connected (${error}); trying again in ${Math.round(pause / 1000)} s`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pause);
          timers.add(t);
        });
        pause = Math.min(pause * 2, MAX_RETRY_MS);
      } finally {
        clearTimeout(timer);
        if (timer) timers.delete(timer);
      }
    }
  };
  const all = Promise.all(plans.map((p) => keep(p))).then(() => undefined);

  return {
    configured: plans.map((p) => p.name),
    status: () => structuredClone(state),
    slackHttpHandler: () => running.get("slack")?.httpHandler,
    settled: () => all,
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const [name, r] of [...running].reverse()) await r.close().catch((err) => d.log(`shutdown: ${name}: ${err}`));
      running.clear();
    },
  };
}
