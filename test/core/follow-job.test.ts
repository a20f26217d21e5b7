// The follower's two guards against silence: a clip whose post fails is offered again until the platform takes it,
// and a job the queue forgot is noticed by the watch and ends as lost (with its request kept for Retry).
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { JobFollower, type JobEventSource, type ProgressView } from "../../bot/core/follow-job.ts";
import type { JobStatus } from "../../engine/queue/producer.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import type { ClipRecord } from "../../engine/store/types.ts";

const clip = {
  id: "clip_job-1", rootId: "clip_job-1", kind: "generate", prompt: "a ball", expandedPrompt: "a ball", seed: 1, params: {},
  origin: { platform: "playground", userId: "u", locale: "en" }, createdAt: "2026-01-01T00:00:00Z",
  files: { video: "clips/clip_job-1/video.mp4" }, frames: { width: 64, height: 64, fps: 8, count: 17 },
} as ClipRecord;

function world(status: (jobId: string) => Promise<JobStatus>, opts: { postRetryMs?: number; watchEveryMs?: number } = {}) {
  const events = new EventEmitter();
  const remembered: [string, ClipJob][] = [];
  const follower = new JobFollower({
    events: events as unknown as JobEventSource, store: { getClip: async (id) => (id === clip.id ? clip : undefined) },
    status, intervalMs: 0, log: () => undefined, lostJobs: { remember: async (id, job) => void remembered.push([id, job]) }, ...opts,
  });
  return { events, follower, remembered };
}

describe("JobFollower", () => {
  it("offers a finished clip again while posting fails, and shows Done once it is posted", async () => {
    let status: JobStatus = { jobId: "job-1", state: "waiting", position: 0 };
    const { events, follower } = world(async () => status);
    const views: ProgressView[] = [];
    let attempts = 0;
    const outcome = follower.follow("job-1", "en", {
      progress: async (v) => void views.push(v),
      completed: async () => {
        attempts++;
        if (attempts < 3) throw new Error("HTTP 500 (outage)");
      },
    });
    status = { jobId: "job-1", state: "completed", clipId: clip.id };
    events.emit("completed", { jobId: "job-1", clipId: clip.id });
    expect(await outcome).toBe("completed");
    expect(attempts).toBe(3);
    expect(views.at(-1)?.snapshot.state).toBe("done");
    follower.close();
  });

  it("gives up after postRetryMs and says so", async () => {
    const { events, follower } = world(async () => ({ jobId: "job-1", state: "running" }), { postRetryMs: 500 });
    const views: ProgressView[] = [];
    const outcome = follower.follow("job-1", "en", { progress: async (v) => void views.push(v), completed: async () => Promise.reject(new Error("gone")) });
    events.emit("completed", { jobId: "job-1", clipId: clip.id });
    expect(await outcome).toBe("failed");
    expect(views.at(-1)?.snapshot).toEqual({ state: "failed", reason: { key: "errors.internal" } });
    follower.close();
  });

  it("a job the queue no longer has, with no clip, is lost; its request is kept for Retry", async () => {
    const job = { kind: "generate", eventId: "e1", origin: { platform: "playground", userId: "u", locale: "en" }, prompt: "a cube" } as ClipJob;
    let status: JobStatus = { jobId: "job-2", state: "waiting", position: 0, job };
    const { follower, remembered } = world(async () => status, { watchEveryMs: 50 });
    const views: ProgressView[] = [];
    const outcome = follower.follow("job-2", "en", { progress: async (v) => void views.push(v), completed: async () => undefined });
    await new Promise((r) => setTimeout(r, 120));
    status = { jobId: "job-2", state: "unknown" };
    expect(await outcome).toBe("failed");
    expect(views.at(-1)?.snapshot).toEqual({ state: "lost" });
    expect(remembered).toEqual([["job-2", job]]);
    follower.close();
  });
});
