// The kernel's queue-position refresh (bot/core/follow-job.ts): an event for any job has the waiting jobs followed
// here asked where they stand, a changed position becomes one progress update, an unchanged one none, and a job that
// has started is never put back in line by a late answer.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { JobFollower, type JobEventSource, type ProgressView } from "../../bot/core/follow-job.ts";
import { renderProgress } from "../../commands/progress.ts";
import type { JobStatus } from "../../engine/queue/producer.ts";

function world(positions: Map<string, number>) {
  const events = new EventEmitter();
  const asked: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const status = async (jobId: string): Promise<JobStatus> => {
    asked.push(jobId);
    await gate;
    const position = positions.get(jobId);
    return position === undefined ? { jobId, state: "running" } : { jobId, state: "waiting", position };
  };
  const follower = new JobFollower({ events: events as unknown as JobEventSource, store: { getClip: async () => undefined }, status, intervalMs: 0, log: () => undefined });
  return { events, follower, asked, hold: (p: Promise<void>) => (gate = p) };
}

/** Resolves once `views` holds n updates (each update is a push; nothing here waits on time). */
function updates(views: ProgressView[], n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (views.length >= n ? resolve() : setImmediate(check));
    check();
  });
}

const queuedText = (position: number) => renderProgress({ state: "queued", position }, "en");

describe("queue position while waiting", () => {
  it("another job starting moves the waiting job up one: one update, in the reader's language", async () => {
    const positions = new Map([["job-b", 1]]);
    const { events, follower } = world(positions);
    const views: ProgressView[] = [];
    void follower.follow("job-b", "es", { progress: async (v) => void views.push(v), completed: async () => undefined }, { shown: renderProgress({ state: "queued", position: 1 }, "es") });
    positions.set("job-b", 0);
    events.emit("active", { jobId: "job-a" });
    await updates(views, 1);
    expect(views[0]!.snapshot).toEqual({ state: "queued", position: 0 });
    expect(views[0]!.text).toBe(renderProgress({ state: "queued", position: 0 }, "es"));
    follower.close();
  });

  it("an event that changes nothing edits nothing", async () => {
    const positions = new Map([["job-b", 1]]);
    const { events, follower, asked } = world(positions);
    const views: ProgressView[] = [];
    void follower.follow("job-b", "en", { progress: async (v) => void views.push(v), completed: async () => undefined }, { shown: queuedText(1) });
    const before = asked.length;
    events.emit("completed", { jobId: "job-z", clipId: "clip_z" });
    await new Promise<void>((r) => {
      const check = () => (asked.length > before ? setImmediate(r) : setImmediate(check));
      check();
    });
    positions.set("job-b", 0);
    events.emit("cancelled", { jobId: "job-y" });
    await updates(views, 1);
    expect(views.map((v) => v.text), "only the change").toEqual([queuedText(0)]);
    follower.close();
  });

  it("a job whose start event came while its position was being asked stays running", async () => {
    const positions = new Map([["job-b", 1]]);
    const { events, follower, hold } = world(positions);
    const views: ProgressView[] = [];
    void follower.follow("job-b", "en", { progress: async (v) => void views.push(v), completed: async () => undefined }, { shown: queuedText(1) });
    let answer!: () => void;
    void hold(new Promise<void>((r) => (answer = r)));
    positions.set("job-b", 0);
    events.emit("active", { jobId: "job-a" }); // the refresh asks about job-b and waits
    events.emit("active", { jobId: "job-b" }); // meanwhile job-b starts
    await updates(views, 1);
    answer();
    // The late answer is handled in microtasks, all run before the next macrotask.
    await new Promise((r) => setImmediate(r));
    events.emit("progress", { jobId: "job-b", stage: "denoise", step: 1, steps: 2 });
    await updates(views, 2);
    await new Promise((r) => setImmediate(r));
    expect(views.map((v) => v.snapshot.state)).toEqual(["running", "running"]);
    follower.close();
  });
});
