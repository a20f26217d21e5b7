// Prometheus metrics for the job system, served at /metrics. Queue depth and live workers are read from BullMQ on each
// scrape (always true, never drifting); wait and run times and the outcome counters come from the queue's events,
// with each job's own timestamps (enqueued, started, finished) read back from BullMQ so the numbers are the queue's,
// not this process's view of them. Every bot process sees every event, so with several of them scrape one (or take
// max() across them): summing would count each job once per process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ClipEvents } from "../../engine/queue/events.ts";
import type { ClipQueue } from "../../engine/queue/queue.ts";
import { sendText } from "./respond.ts";
import type { HttpServer } from "./server.ts";

/** Seconds. Waits range from instant to a long queue; a CPU render runs seconds to minutes. */
const BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];
const SEEN_MEMORY = 5000;

export interface Metrics {
  /** Parts of the process add their own gauges here (the playground: its open pages). */
  readonly registry: Registry;
  /** Resolves once the events seen so far are counted (tests wait on it before scraping). */
  settled(): Promise<void>;
}

/** GET /metrics on `http`: never behind the access gate (Prometheus scrapes it). */
export function mountMetrics(http: HttpServer, opts: { queue: ClipQueue; events: ClipEvents; log: (line: string) => void }): Metrics {
  const { queue } = opts;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "sora_bot_" });

  new Gauge({
    name: "sora_queue_jobs", help: "Jobs in the queue by state (waiting includes prioritized: every job of ours has a priority).",
    labelNames: ["state"], registers: [registry],
    async collect() {
      const c = await queue.getJobCounts("waiting", "prioritized", "waiting-children", "active", "delayed", "failed");
      this.set({ state: "waiting" }, (c.waiting ?? 0) + (c.prioritized ?? 0) + (c["waiting-children"] ?? 0));
      this.set({ state: "active" }, c.active ?? 0);
      this.set({ state: "delayed" }, c.delayed ?? 0);
      this.set({ state: "failed" }, c.failed ?? 0);
    },
  });
  new Gauge({
    name: "sora_workers", help: "Engine workers connected to the queue now.", registers: [registry],
    async collect() {
      this.set(await queue.getWorkersCount().catch(() => 0));
    },
  });
  const wait = new Histogram({ name: "sora_job_wait_seconds", help: "From enqueue to a worker starting the job.", labelNames: ["kind"], buckets: BUCKETS, registers: [registry] });
  const run = new Histogram({ name: "sora_job_run_seconds", help: "From a worker starting the job to its end.", labelNames: ["kind", "outcome"], buckets: BUCKETS, registers: [registry] });
  const completed = new Counter({ name: "sora_jobs_completed_total", help: "Jobs that ended with a clip.", labelNames: ["kind"], registers: [registry] });
  const failed = new Counter({ name: "sora_jobs_failed_total", help: "Jobs that failed after their retries.", labelNames: ["kind", "reason"], registers: [registry] });
  const cancelled = new Counter({ name: "sora_jobs_cancelled_total", help: "Jobs cancelled while waiting or running.", registers: [registry] });

  const seen = new Set<string>();
  let pending = Promise.resolve();
  const once = (jobId: string): boolean => {
    if (seen.has(jobId)) return false;
    seen.add(jobId);
    if (seen.size > SEEN_MEMORY) seen.delete(seen.values().next().value!);
    return true;
  };

  const finished = (jobId: string, outcome: "completed" | "failed", reason?: string) => {
    if (!once(`${outcome}:${jobId}`)) return;
    pending = pending.then(async () => {
      const job = await queue.getJob(jobId);
      // Retention may already have dropped it; count the outcome anyway, without times.
      const kind = job?.data.kind ?? "unknown";
      if (outcome === "completed") completed.inc({ kind });
      else failed.inc({ kind, reason: reason ?? "queue.failed" });
      if (job?.processedOn) {
        wait.observe({ kind }, Math.max(0, job.processedOn - job.timestamp) / 1000);
        if (job.finishedOn) run.observe({ kind, outcome }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
      }
    }).catch((err) => opts.log(`metrics: job ${jobId}: ${err}`));
  };
  opts.events.on("completed", ({ jobId }) => finished(jobId, "completed"));
  opts.events.on("failed", ({ jobId, userMessageKey }) => finished(jobId, "failed", userMessageKey));
  opts.events.on("cancelled", ({ jobId }) => {
    if (once(`cancelled:${jobId}`)) cancelled.inc();
  });

  http.mount(["GET", "HEAD"], "/metrics", async (_req, res) => sendText(res, 200, await registry.metrics(), registry.contentType));
  return { registry, settled: () => pending };
}
