// The store forgets. A clip's conversation is its lineage (same root) and its origin's opaque `conversation`; the conversation's last sign of
// life is its newest clip. By age: a clip older than the retention age goes, unless its conversation was active within
// that window (people may still extend, remix or stitch it). By size: while the store is over
// its budget, the clips of the longest-dormant conversations go first, oldest first within one; a conversation active
// within `activeMs` (default a day) is never touched, and what is left over the budget is reported instead.
import type { ClipRecord, ClipStore } from "./types.ts";

export interface RetentionPolicy {
  /** Clips older than this are removed; 0 keeps them (size permitting). */
  maxAgeMs: number;
  /** Above this total the most dormant clips are removed; 0: no budget. */
  maxBytes: number;
  /** Conversations active this recently are never removed for size; default DEFAULT_ACTIVE_MS. */
  activeMs?: number;
  now?: () => number;
}

export interface RetentionReport {
  scanned: number;
  /** Bytes of every clip before the sweep. */
  bytes: number;
  expired: string[];
  freedBytes: number;
  /** Old clips kept because their lineage or conversation was active within the window. */
  keptLive: number;
  /** Bytes still over the budget once every dormant clip went (only active conversations are left). */
  overBudgetBytes: number;
}

export const DEFAULT_ACTIVE_MS = 24 * 3600_000;

type Retainable = Pick<ClipStore, "listClips" | "clipBytes" | "expireClip">;

interface Entry {
  rec: ClipRecord;
  at: number;
  bytes: number;
  groups: string[];
}

const groupsOf = (r: ClipRecord): string[] =>
  [`root:${r.rootId}`, ...(r.origin.conversation ? [`conversation:${r.origin.platform}:${r.origin.conversation}`] : [])];

export async function applyRetention(store: Retainable, policy: RetentionPolicy): Promise<RetentionReport> {
  const now = (policy.now ?? Date.now)();
  const entries: Entry[] = [];
  for await (const rec of store.listClips()) {
    const at = Date.parse(rec.createdAt);
    entries.push({ rec, at: Number.isFinite(at) ? at : 0, bytes: await store.clipBytes(rec), groups: groupsOf(rec) });
  }
  // The newest clip of each lineage and conversation: its last sign of life.
  const active = new Map<string, number>();
  for (const e of entries) for (const g of e.groups) active.set(g, Math.max(active.get(g) ?? 0, e.at));
  const lastActive = (e: Entry) => Math.max(...e.groups.map((g) => active.get(g) ?? 0));

  const report: RetentionReport = {
    scanned: entries.length, bytes: entries.reduce((s, e) => s + e.bytes, 0), expired: [], freedBytes: 0, keptLive: 0, overBudgetBytes: 0,
  };
  const expire = async (e: Entry) => {
    if (await store.expireClip(e.rec.id)) {
      report.expired.push(e.rec.id);
      report.freedBytes += e.bytes;
    }
  };

  const kept: Entry[] = [];
  for (const e of entries) {
    const old = policy.maxAgeMs > 0 && e.at < now - policy.maxAgeMs;
    if (old && lastActive(e) < now - policy.maxAgeMs) await expire(e);
    else {
      if (old) report.keptLive++;
      kept.push(e);
    }
  }
  if (policy.maxBytes > 0) {
    let total = kept.reduce((s, e) => s + e.bytes, 0);
    const activeSince = now - (policy.activeMs ?? DEFAULT_ACTIVE_MS);
    const dormant = kept.filter((e) => lastActive(e) < activeSince).sort((a, b) => lastActive(a) - lastActive(b) || a.at - b.at);
    for (const e of dormant) {
      if (total <= policy.maxBytes) break;
      await expire(e);
      total -= e.bytes;
    }
    report.overBudgetBytes = Math.max(0, total - policy.maxBytes);
  }
  return report;
}
