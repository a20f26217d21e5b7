// Shared by the engine worker tests: a temporary fs clip store, cheap jobs, and waiting for a job's outcome as the
// adapters see it (ClipEvents).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClipEventMap, ClipEvents } from "../../engine/queue/events.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import { FsClipStore } from "../../engine/store/index.ts";

export { cleanup, redis, testPrefix, until } from "../queue/helpers.ts";

export interface TempStore {
  dir: string;
  store: FsClipStore;
  /** Ids of every clip record on disk. */
  clipIds(): string[];
  remove(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), "sora-worker-test-"));
  return {
    dir,
    store: new FsClipStore(dir),
    clipIds: () => {
      try {
        return readdirSync(join(dir, "meta")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let n = 0;
/** A job that renders in well under a second on two cores: few steps, half a second of 64×64 frames. */
export function cheapJob(over: Partial<ClipJob> = {}): ClipJob {
  n += 1;
  const base: ClipJob = {
    kind: "generate",
    eventId: `w${Date.now().toString(36)}-${n}`,
    origin: { platform: "playground", userId: "tester", conversation: "thread-1", locale: "en" },
    prompt: "a red ball bouncing",
    steps: 2,
    seconds: 0.5,
    seed: 7,
  };
  const job = { ...base, ...over };
  // Stitch takes no render params (the schema refuses them).
  if (job.kind === "stitch") for (const k of ["steps", "seconds", "seed"] as const) delete job[k];
  return job;
}

export type Outcome =
  | { kind: "completed"; clipId: string }
  | { kind: "failed"; reason: string; userMessageKey: string }
  | { kind: "cancelled" };

/** Every job's outcome as ClipEvents reports it; `wait(jobId)` resolves at the first one. */
export function outcomes(events: ClipEvents) {
  const seen = new Map<string, Outcome[]>();
  const waiters = new Map<string, ((o: Outcome) => void)[]>();
  const add = (jobId: string, o: Outcome) => {
    seen.set(jobId, [...(seen.get(jobId) ?? []), o]);
    for (const w of waiters.get(jobId) ?? []) w(o);
    waiters.delete(jobId);
  };
  events.on("completed", (e: ClipEventMap["completed"]) => add(e.jobId, { kind: "completed", clipId: e.clipId }));
  events.on("failed", (e) => add(e.jobId, { kind: "failed", reason: e.reason, userMessageKey: e.userMessageKey }));
  events.on("cancelled", (e) => add(e.jobId, { kind: "cancelled" }));
  return {
    all: (jobId: string) => seen.get(jobId) ?? [],
    wait(jobId: string, limitMs = 90_000): Promise<Outcome> {
      const first = seen.get(jobId)?.[0];
      if (first) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no outcome for ${jobId} within ${limitMs} ms`)), limitMs);
        waiters.set(jobId, [...(waiters.get(jobId) ?? []), (o) => (clearTimeout(timer), resolve(o))]);
      });
    },
  };
}

export async function completedClip(o: Promise<Outcome>): Promise<string> {
  const r = await o;
  if (r.kind !== "completed") throw new Error(`expected completed, got ${JSON.stringify(r)}`);
  return r.clipId;
}
