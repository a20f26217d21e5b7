// GET /health: can this process do its job? Redis must answer (without it nothing is queued): 503 when it does not.
// No engine worker connected is "degraded", still 200: a bot host stays in rotation while workers restart elsewhere,
// and jobs simply wait. So is a chat platform that is not connected (still logging in, or its API unreachable): the
// playground and the other platforms still work, and the answer names which one is down and why.
// The model is the one this deployment serves, for "which build is this?" questions.
import type { Redis } from "ioredis";
import type { ClipQueue } from "../../engine/queue/queue.ts";

export interface AdapterHealth {
  state: "connecting" | "connected" | "failed";
  /** Why the last attempt failed (failed, or connecting again after a failure). */
  error?: string;
}

export interface Health {
  status: "ok" | "degraded" | "down";
  /** Each configured chat platform. */
  adapters: Record<string, AdapterHealth>;
  redis: { ok: boolean; url: string; latencyMs?: number; error?: string };
  workers: { seen: number };
  model: string;
  queue?: { waiting: number; active: number; delayed: number; failed: number };
  uptimeSeconds: number;
}

/** The URL without its password: health output ends up in dashboards and bug reports. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "redis";
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

export async function checkHealth(o: {
  redis: Redis; redisUrl: string; queue: ClipQueue; model: string; startedAt: number; adapters?: () => Record<string, AdapterHealth>;
}): Promise<Health> {
  const adapters = o.adapters?.() ?? {};
  const base = { model: o.model, adapters, uptimeSeconds: Math.round((Date.now() - o.startedAt) / 1000) };
  const t0 = performance.now();
  try {
    await withTimeout(o.redis.ping(), 2000);
  } catch (err) {
    return { ...base, status: "down", redis: { ok: false, url: redactUrl(o.redisUrl), error: (err as Error).message }, workers: { seen: 0 } };
  }
  const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
  const [seen, c] = await Promise.all([
    withTimeout(o.queue.getWorkersCount(), 2000).catch(() => 0),
    withTimeout(o.queue.getJobCounts("waiting", "prioritized", "waiting-children", "active", "delayed", "failed"), 2000),
  ]);
  return {
    ...base,
    status: seen > 0 && Object.values(adapters).every((a) => a.state === "connected") ? "ok" : "degraded",
    redis: { ok: true, url: redactUrl(o.redisUrl), latencyMs },
    workers: { seen },
    queue: {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c["waiting-children"] ?? 0),
      active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0,
    },
  };
}
