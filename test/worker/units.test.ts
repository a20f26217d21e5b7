// The worker's pure parts: clip ids from job ids, failure classification, reroll resolution, stitch order, progress
// throttling and ETAs. No Redis, no model.
import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../engine/pipeline/types.ts";
import { JobValidationError, parseFailureReason } from "../../engine/queue/errors.ts";
import type { JobProgress } from "../../engine/queue/progress.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import { ClipNotFound, type ClipRecord } from "../../engine/store/index.ts";
import { BadJob, classify, isPermanent } from "../../engine/worker/failures.ts";
import { clipIdForJob } from "../../engine/queue/keys.ts";
import { JobProgressReporter, PROGRESS_INTERVAL_MS, RunEstimates } from "../../engine/worker/progress.ts";
import { ANIMATE_PROMPT, specForJob } from "../../engine/worker/spec.ts";
import { timeline } from "../../engine/worker/timeline.ts";

function rec(id: string, kind: ClipRecord["kind"], parentId?: string, params: Record<string, unknown> = {}): ClipRecord {
  return {
    id, kind, parentId, rootId: "r", prompt: `p-${id}`, expandedPrompt: `P-${id}`, seed: 1, params,
    origin: { platform: "cli", userId: "u", locale: "en" }, createdAt: "", files: { video: `clips/${id}/video.mp4` },
    frames: { width: 64, height: 64, fps: 8, count: 9 },
  };
}

const origin = { platform: "discord" as const, userId: "u", locale: "en" };
const job = (over: Partial<ClipJob>): ClipJob => ({ kind: "generate", eventId: "e", origin, prompt: "", ...over });

describe("clip ids", () => {
  it("derive from the job id, stay valid store ids, and differ per job", () => {
    expect(clipIdForJob("discord-123")).toBe("clip_discord-123");
    expect(clipIdForJob("discord-123")).toBe(clipIdForJob("discord-123"));
    const dotted = clipIdForJob("slack-1700000000.123456");
    expect(dotted).toMatch(/^clip_h[0-9a-f]{40}$/);
    expect(dotted).not.toBe(clipIdForJob("slack-1700000000.123457"));
  });
});

describe("failure classification", () => {
  const reasonOf = (e: Error) => parseFailureReason(e.message);
  it("makes bad jobs permanent with the right user message key", () => {
    const cases: Array<[unknown, string]> = [
      [new BadJob("errors.notImage", "not a picture"), "errors.notImage"],
      [new JobValidationError([{ path: "steps", message: "too many" }]), "queue.invalidJob"],
      [new RequestError("prompt is empty"), "queue.invalidJob"],
      [new ClipNotFound("clip_x"), "queue.unknownClip"],
    ];
    for (const [err, key] of cases) {
      const e = classify(err);
      expect(isPermanent(e)).toBe(true);
      expect(reasonOf(e).userMessageKey).toBe(key);
      expect(reasonOf(e).reason).toBe((err as Error).message);
    }
  });
  it("leaves anything else transient (retried)", () => {
    const e = classify(new Error("ECONNRESET"));
    expect(isPermanent(e)).toBe(false);
    expect(e.message).toBe("ECONNRESET");
    expect(isPermanent(classify(new UnrecoverableError("x")))).toBe(true);
  });
});

describe("render specs", () => {
  it("reuse the parent's words when a continuation brings none", () => {
    const parent = rec("a", "generate");
    expect(specForJob(job({ kind: "extend", parentClipId: "a" }), parent)).toMatchObject({ render: "extend", prompt: "p-a", source: "a", direction: "forward" });
    expect(specForJob(job({ kind: "extend", parentClipId: "a", prompt: "it falls" }), parent).prompt).toBe("it falls");
    expect(specForJob(job({ kind: "animate", imageRef: "frames/x.png" })).prompt).toBe(ANIMATE_PROMPT);
  });

  it("turn a reroll into the parent's own render with the job's overrides and no seed", () => {
    const grand = rec("g", "generate");
    void grand;
    const parent = rec("p", "extend", "g", { render: "extend", source: "g", direction: "backward", steps: 9, guidance: 3, aspect: "1:1", frames: 4, jobId: "j" });
    const spec = specForJob(job({ kind: "reroll", parentClipId: "p", steps: 2 }), parent);
    expect(spec).toEqual({ render: "extend", prompt: "p-p", source: "g", direction: "backward", steps: 2, guidance: 3, aspect: "1:1" });
    // A reroll of a reroll is the same render again.
    const rr = rec("q", "reroll", "p", { render: "extend", source: "g", direction: "backward", steps: 2 });
    expect(specForJob(job({ kind: "reroll", parentClipId: "q" }), rr)).toMatchObject({ render: "extend", source: "g" });
    expect(() => specForJob(job({ kind: "reroll", parentClipId: "s" }), rec("s", "stitch", "p"))).toThrow(BadJob);
    expect(() => specForJob(job({ kind: "reroll", parentClipId: "gone" }), undefined)).toThrow(/no clip/);
  });

  it("keep a raw render raw through rerolls, also for a clip stored as expand: false before raw existed", () => {
    expect(specForJob(job({ kind: "reroll", parentClipId: "r" }), rec("r", "generate", undefined, { render: "generate", raw: true })).raw).toBe(true);
    expect(specForJob(job({ kind: "reroll", parentClipId: "o" }), rec("o", "generate", undefined, { render: "generate", expand: false })).raw).toBe(true);
    expect(specForJob(job({ kind: "reroll", parentClipId: "n" }), rec("n", "generate", undefined, { render: "generate" })).raw).toBeUndefined();
  });
});

describe("stitch order", () => {
  const ids = (xs: ClipRecord[]) => xs.map((x) => x.id);
  it("appends forward extensions and interpolations, prepends backward ones", () => {
    const l = [rec("a", "generate"), rec("b", "extend", "a", { direction: "forward" }), rec("c", "extend", "b", { direction: "backward" }), rec("d", "interpolate", "c")];
    // c leads into b; d follows c.
    expect(ids(timeline(l))).toEqual(["a", "c", "d", "b"]);
    expect(ids(timeline(l.slice(0, 3)))).toEqual(["a", "c", "b"]);
  });
  it("lets remixes, rerolls and loops stand in for their parent, and a stitch for everything before it", () => {
    const l = [rec("a", "generate"), rec("b", "extend", "a"), rec("c", "reroll", "b"), rec("d", "extend", "c"), rec("e", "remix", "d")];
    expect(ids(timeline(l))).toEqual(["a", "c", "e"]);
    expect(ids(timeline([rec("a", "generate"), rec("l", "loop", "a")]))).toEqual(["l"]);
    expect(ids(timeline([rec("a", "generate"), rec("b", "extend", "a"), rec("s", "stitch", "b"), rec("x", "extend", "s")]))).toEqual(["s", "x"]);
    // After a deleted ancestor, the lineage starts later.
    expect(ids(timeline([rec("b", "extend", "gone"), rec("c", "extend", "b")]))).toEqual(["b", "c"]);
  });
});

describe("progress reporter", () => {
  it("throttles step writes but always sends stage changes and stage ends, with an ETA from timed steps", async () => {
    let t = 0;
    const writes: JobProgress[] = [];
    const est = new RunEstimates();
    const r = new JobProgressReporter(async (p) => void writes.push(p), est, () => t);
    r.report("prepare", 0, 1);
    r.expectSteps(10);
    t = 100;
    r.report("text", 1, 1);
    for (let s = 1; s <= 10; s++) {
      t = 100 + s * 100;
      r.report("denoise", s, 10);
    }
    t = 1200;
    r.report("decode", 1, 1);
    r.report("encode", 0, 1);
    await r.flush();
    const denoise = writes.filter((w) => w.stage === "denoise");
    expect(denoise[0]).toMatchObject({ step: 1, steps: 10, etaSeconds: 1 }); // 9 steps × 100 ms left
    expect(denoise.at(-1)).toMatchObject({ step: 10 });
    expect(denoise.length).toBeLessThanOrEqual(Math.ceil(1000 / PROGRESS_INTERVAL_MS) + 2);
    expect(writes.map((w) => w.stage)).toEqual(["prepare", "text", ...denoise.map(() => "denoise"), "decode", "encode"]);
    t = 1500;
    r.learn();
    expect(est.stepMs).toBeCloseTo(100);
    expect(est.tailMs).toBeCloseTo(400);
  });

  it("sends a preview step even inside the throttle window, with the stored image's key, in order", async () => {
    const t = 0;
    const writes: JobProgress[] = [];
    const r = new JobProgressReporter(async (p) => void writes.push(p), new RunEstimates(), () => t);
    r.report("denoise", 1, 10);
    r.report("denoise", 2, 10); // throttled: same instant
    r.reportPreview("denoise", 3, 10, async () => "previews/x.png");
    r.reportPreview("denoise", 4, 10, () => Promise.reject(new Error("store down")));
    r.report("decode", 1, 1);
    await r.flush();
    expect(writes.map((w) => [w.stage, w.step, w.previewRef])).toEqual([
      ["denoise", 1, undefined], ["denoise", 3, "previews/x.png"], ["decode", 1, undefined],
    ]);
  });

  it("keeps going when a write fails", async () => {
    const r = new JobProgressReporter(() => Promise.reject(new Error("redis down")), new RunEstimates());
    r.report("text", 0, 1);
    await expect(r.flush()).resolves.toBeUndefined();
  });
});
