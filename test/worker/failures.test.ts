// Bad jobs fail fast, once, with a reason an adapter can show, and do not hold up the jobs behind them; a transient
// fault is retried, and a retry finds the clip an earlier attempt already stored instead of storing a second.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipEvents } from "../../engine/queue/events.ts";
import { jobIdForEvent } from "../../engine/queue/keys.ts";
import { Producer } from "../../engine/queue/producer.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import type { ClipBlobs, ClipStore, NewClip } from "../../engine/store/index.ts";
import { startEngineWorker, type EngineWorker } from "../../engine/worker/index.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { hugePngHeader } from "../security/pictures.ts";
import { cheapJob, cleanup, completedClip, outcomes, redis, tempStore, testPrefix, type TempStore } from "./helpers.ts";

const TP = findTestPack();
const prefix = testPrefix("worker-fail");
let r: Redis;
let ts: TempStore;
let worker: EngineWorker;
let producer: Producer;
let events: ClipEvents;
let seen: ReturnType<typeof outcomes>;
const logs: string[] = [];

/** The real store, except that the first putClip for `failAfterStore` stores and then throws (a crash right after). */
let failAfterStore: string | undefined;
let injected = 0;
function flakyStore(inner: ClipStore): ClipStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "putClip") {
        return async (rec: NewClip, blobs: ClipBlobs) => {
          const stored = await target.putClip(rec, blobs);
          if (rec.id !== undefined && rec.id === failAfterStore && injected++ === 0) throw new Error("connection reset (injected)");
          return stored;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

beforeAll(async () => {
  if (!TP.dir) return;
  r = redis();
  ts = tempStore();
  worker = await startEngineWorker({ redis: redis(), prefix, store: flakyStore(ts.store), modelDir: TP.dir, threads: 1, log: (l) => logs.push(l) });
  // No store given to the producer: jobs naming missing clips get queued, as they would if a clip were deleted
  // between enqueue and render.
  const many = { max: 1000, windowSeconds: 60 };
  producer = new Producer({ prefix, redis: redis(), rateLimits: { user: many, server: many } });
  events = new ClipEvents({ prefix, redis: redis() });
  await events.ready();
  seen = outcomes(events);
});

afterAll(async () => {
  await events?.close();
  await producer?.close();
  await worker?.close();
  if (r) {
    await cleanup(r, prefix);
    await r.quit();
  }
  ts?.remove();
});

describe.skipIf(!TP.dir)(`engine worker: failures (${TP.reason})`, () => {
  it("fails bad jobs at once with a clear reason, no retries, and still renders the good job queued after them", async () => {
    const root = await completedClip(seen.wait((await producer.enqueue(cheapJob())).jobId));
    const notImage = await ts.store.putBlob(Buffer.from("not a picture at all"), "png", "frame");
    const bad: Array<[ClipJob, string, RegExp]> = [
      [cheapJob({ kind: "extend", prompt: "", parentClipId: "clip_missing" }), "queue.unknownClip", /no clip with id clip_missing/],
      [cheapJob({ kind: "reroll", prompt: "", parentClipId: "clip_missing", seconds: undefined }), "queue.unknownClip", /clip_missing/],
      [cheapJob({ kind: "stitch", prompt: "", parentClipId: "clip_missing" }), "queue.unknownClip", /clip_missing/],
      [cheapJob({ kind: "animate", prompt: "", imageRef: "frames/nothing-here.png" }), "queue.unknownClip", /frames\/nothing-here\.png/],
      [cheapJob({ kind: "animate", prompt: "", imageRef: notImage }), "errors.notImage", /cannot be read/],
      [cheapJob({ kind: "interpolate", prompt: "", parentClipId: root, otherClipId: root.replace(/.$/, "x") }), "queue.unknownClip", /otherClipId/],
      [cheapJob({ kind: "interpolate", prompt: "", parentClipId: root, otherClipId: root, seconds: 5 }), "queue.invalidJob", /otherClipId: must differ/],
      [cheapJob({ kind: "extend", prompt: "", parentClipId: root, aspect: "16:9" }), "queue.invalidJob", /aspect 16:9 does not match/],
    ];
    const ids: string[] = [];
    for (const [job] of bad) {
      // Straight onto the queue where the producer would refuse it (the worker must not trust what it is given).
      const jobId = jobIdForEvent(job.origin.platform, job.eventId);
      await producer.queue.add(job.kind, job, { jobId });
      ids.push(jobId);
    }
    // A job from an older producer with a field this schema does not know, and one over the steps limit.
    await producer.queue.add("generate", { ...cheapJob(), colour: "red" } as ClipJob, { jobId: "playground-odd-field" });
    await producer.queue.add("generate", { ...cheapJob(), steps: 500 }, { jobId: "playground-too-many-steps" });
    const good = await producer.enqueue(cheapJob({ prompt: "a blue square" }));

    for (const [i, [, key, text]] of bad.entries()) {
      const o = await seen.wait(ids[i]);
      expect(o, `${ids[i]} ${JSON.stringify(o)}`).toMatchObject({ kind: "failed", userMessageKey: key });
      expect(o.kind === "failed" && o.reason).toMatch(text);
      expect((await producer.queue.getJob(ids[i]))?.attemptsMade).toBe(1);
    }
    expect(await seen.wait("playground-odd-field")).toMatchObject({ kind: "failed", userMessageKey: "queue.invalidJob", reason: expect.stringMatching(/unknown field.*colour/) });
    expect(await seen.wait("playground-too-many-steps")).toMatchObject({ kind: "failed", userMessageKey: "queue.invalidJob", reason: expect.stringMatching(/steps: must be between 1 and 100/) });
    expect(await producer.status("playground-too-many-steps")).toMatchObject({ state: "failed", userMessageKey: "queue.invalidJob" });
    await completedClip(seen.wait(good.jobId));
    // Nothing was stored for the bad jobs.
    expect(ts.clipIds().sort()).toEqual([root, `clip_${good.jobId}`].sort());
  });

  it("refuses oversized params the way the pipeline words them (RequestError: in-betweens must fit one pass)", async () => {
    const a = await completedClip(seen.wait((await producer.enqueue(cheapJob())).jobId));
    const b = await completedClip(seen.wait((await producer.enqueue(cheapJob({ seed: 3 }))).jobId));
    const { jobId } = await producer.enqueue(cheapJob({ kind: "interpolate", prompt: "", parentClipId: a, otherClipId: b, seconds: 5 }));
    expect(await seen.wait(jobId)).toMatchObject({ kind: "failed", userMessageKey: "queue.invalidJob", reason: expect.stringMatching(/frames \(between a and b\)/) });
  });

  it("retries a transient fault; the retry finds the clip already stored and completes once", async () => {
    const job = cheapJob({ prompt: "a green circle" });
    const jobId = jobIdForEvent(job.origin.platform, job.eventId);
    failAfterStore = `clip_${jobId}`;
    const before = ts.clipIds().length;
    await producer.enqueue(job);
    // The first attempt fails after storing; RETRY's backoff (5 s) passes before the second.
    const clipId = await completedClip(seen.wait(jobId, 60_000));
    expect(clipId).toBe(failAfterStore);
    expect(injected).toBe(1);
    expect(ts.clipIds().length).toBe(before + 1);
    expect(seen.all(jobId)).toEqual([{ kind: "completed", clipId }]);
    const j = await producer.queue.getJob(jobId);
    expect(j?.attemptsStarted).toBe(2);
    expect(logs.some((l) => l.includes(jobId) && l.includes("will retry"))).toBe(true);
    expect(logs.some((l) => l.includes(jobId) && l.includes("already stored"))).toBe(true);
  });
});

describe.skipIf(!TP.dir)(`engine worker: bounded work (${TP.reason})`, () => {
  it("a stuck model call or ffmpeg run fails its job once with a clear reason, and the worker goes on", async () => {
    for (const variable of ["SORA_INFERENCE_TIMEOUT_MS", "SORA_FFMPEG_TIMEOUT_MS"]) {
      process.env[variable] = "1";
      try {
        const { jobId } = await producer.enqueue(cheapJob({ prompt: `a stuck ball (${variable})` }));
        expect(await seen.wait(jobId), variable).toMatchObject({ kind: "failed", userMessageKey: "queue.timedOut" });
        expect((await producer.queue.getJob(jobId))?.attemptsMade, "no retries").toBe(1);
      } finally {
        delete process.env[variable];
      }
      await completedClip(seen.wait((await producer.enqueue(cheapJob({ prompt: "a free ball" }))).jobId));
    }
  });

  it("a picture over the pixel limit is refused from its header, before any decode", async () => {
    // A valid 20000×20000 PNG header and nothing else: decoding it would take 1.2 GB.
    const png = hugePngHeader(20_000, 20_000);
    const key = await ts.store.putBlob(png, "png", "frame");
    const { jobId } = await producer.enqueue(cheapJob({ kind: "animate", prompt: "", imageRef: key }));
    const o = await seen.wait(jobId);
    expect(o).toMatchObject({ kind: "failed", userMessageKey: "queue.pictureTooLarge" });
    expect(o.kind === "failed" && o.reason).toMatch(/20000×20000 pixels/);
  });
});
