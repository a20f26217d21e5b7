// Applying the store's retention from the engine workers: every SORA_STORE_SWEEP_MINUTES one of them (whichever takes
// the Redis lock; many hosts share a store) sweeps it with the operator's limits (engine/store/retention.ts).
import type { Redis } from "ioredis";
import { STORE_ACTIVE_HOURS, STORE_MAX_AGE_DAYS, STORE_MAX_GIB, STORE_SWEEP_MINUTES } from "../config/limits.ts";
import { readSetting } from "../config/settings.ts";
import { applyRetention, type RetentionReport } from "../store/retention.ts";
import type { ClipStore } from "../store/types.ts";

export interface RetentionSchedule {
  /** One sweep now, if no other process holds the lock (tests, and the first sweep after start). */
  runOnce(): Promise<RetentionReport | undefined>;
  stop(): void;
}

export function scheduleRetention(o: { store: ClipStore; redis: Redis; prefix: string; log: (line: string) => void }): RetentionSchedule {
  const everyMs = readSetting(STORE_SWEEP_MINUTES) * 60_000;
  const lock = `${o.prefix}:store:retention`;
  const runOnce = async (): Promise<RetentionReport | undefined> => {
    // Held a little less than the interval: the next sweep anywhere finds it free, a crashed sweeper's lapses.
    if ((await o.redis.set(lock, String(process.pid), "PX", Math.max(1000, Math.floor(everyMs * 0.9)), "NX")) !== "OK") return undefined;
    const report = await applyRetention(o.store, {
      maxAgeMs: readSetting(STORE_MAX_AGE_DAYS) * 24 * 3600_000,
      maxBytes: Math.floor(readSetting(STORE_MAX_GIB) * 1024 ** 3),
      activeMs: readSetting(STORE_ACTIVE_HOURS) * 3600_000,
    });
    if (report.expired.length || report.keptLive) {
      o.log(`store retention: ${report.expired.length} of ${report.scanned} clips removed (${mb(report.freedBytes)} freed), ` +
        `${report.keptLive} old clips kept for active conversations`);
    }
    if (report.overBudgetBytes > 0) o.log(`store retention: still ${mb(report.overBudgetBytes)} over SORA_STORE_MAX_GIB; every clip left is in an active conversation`);
    return report;
  };
  const sweep = () => void runOnce().catch((err) => o.log(`store retention failed: ${(err as Error)?.message ?? err}`));
  const first = setTimeout(sweep, 5_000);
  const timer = setInterval(sweep, everyMs);
  first.unref();
  timer.unref();
  return {
    runOnce,
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
