// Every job kind through a real engine worker: real Redis (unique prefix), the shipped model (2 steps, half-second
// clips at 64×64), real ffmpeg, an fs clip store. Checks what each kind stores (frames, lineage, params) and that the
// stored files are real video.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipEvents } from "../../engine/queue/events.ts";
import { Producer } from "../../engine/queue/producer.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import type { ClipRecord } from "../../engine/store/index.ts";
import { parsePrompt } from "../../engine/synth/index.ts";
import { decodeImage, decodeToFrames, probe, writeThumbnail } from "../../engine/video/index.ts";
import { startEngineWorker, type EngineWorker } from "../../engine/worker/index.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { squareClip } from "../video/synthetic.ts";
import { cheapJob, cleanup, completedClip, outcomes, redis, tempStore, testPrefix, type TempStore } from "./helpers.ts";

const TP = findTestPack();
const prefix = testPrefix("worker-kinds");
let r: Redis;
let ts: TempStore;
let worker: EngineWorker;
let producer: Producer;
let events: ClipEvents;
let seen: ReturnType<typeof outcomes>;
const progress: Record<string, { stage: string; step: number; steps: number; etaSeconds?: number }[]> = {};
const files = mkdtempSync(join(tmpdir(), "sora-kinds-"));

beforeAll(async () => {
  if (!TP.dir) return;
  r = redis();
  ts = tempStore();
  // Two slots: one job's encode overlaps the next one's denoising.
  worker = await startEngineWorker({ redis: redis(), prefix, store: ts.store, modelDir: TP.dir, threads: 1, concurrency: 2, log: () => undefined });
  const many = { max: 1000, windowSeconds: 60 };
  producer = new Producer({ prefix, redis: redis(), store: ts.store, rateLimits: { user: many, server: many } });
  events = new ClipEvents({ prefix, redis: redis() });
  await events.ready();
  seen = outcomes(events);
  events.on("progress", (p) => (progress[p.jobId] ??= []).push(p));
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
  rmSync(files, { recursive: true, force: true });
});

async function run(job: ClipJob): Promise<ClipRecord> {
  const { jobId } = await producer.enqueue(job);
  const clipId = await completedClip(seen.wait(jobId));
  const rec = await ts.store.getClip(clipId);
  expect(rec).toBeDefined();
  return rec!;
}

/** The stored MP4's frames, decoded back at the model size. */
async function storedFrames(rec: ClipRecord) {
  const file = join(files, `${rec.id}.mp4`);
  writeFileSync(file, await ts.store.readBlob(rec.files.video));
  const info = await probe(file);
  expect(info.codec).toBe("h264");
  return decodeToFrames(file, { width: rec.frames.width, height: rec.frames.height });
}

describe.skipIf(!TP.dir)(`engine worker: every job kind (${TP.reason})`, () => {
  let root: ClipRecord;
  let other: ClipRecord;

  it("generate: stores MP4, preview and thumbnail with the job's lineage fields, and reports progress with an ETA", async () => {
    const job = cheapJob({ prompt: "a red ball bouncing", seed: 11, origin: { platform: "playground", userId: "ann", conversation: "t-9", place: { threadId: "t-9", messageId: "m-1" }, locale: "fr" } });
    const [a, b] = await Promise.all([run(job), run(cheapJob({ prompt: "a blue square", seed: 12 }))]);
    root = a;
    other = b;
    expect(root).toMatchObject({
      kind: "generate", prompt: "a red ball bouncing", seed: 11, rootId: root.id,
      origin: { userId: "ann", conversation: "t-9", locale: "fr" },
      params: { render: "generate", steps: 2, aspect: "1:1", seconds: 0.5, frames: 5 },
      frames: { width: 64, height: 64, fps: 8, count: 5 },
    });
    expect(root.id).toBe(`clip_playground-${job.eventId}`);
    expect(root.expandedPrompt.length).toBeGreaterThan(root.prompt.length);
    expect(root.parentId).toBeUndefined();
    expect((await storedFrames(root)).frames).toHaveLength(5);
    expect((await ts.store.readBlob(root.files.thumbnail!)).subarray(1, 4).toString()).toBe("PNG");
    expect((await ts.store.readBlob(root.files.preview!)).length).toBeGreaterThan(0);
    // The origin travels through the engine as the bot wrote it: the bot finds the clip's place in it later.
    expect(root.origin).toEqual(job.origin);

    const p = progress[`playground-${job.eventId}`];
    const stages = [...new Set(p.map((x) => x.stage))];
    expect(stages).toEqual(["prepare", "text", "denoise", "decode", "encode", "store"]);
    expect(p.filter((x) => x.stage === "denoise").at(-1)).toMatchObject({ step: 2, steps: 2 });
    expect(p.some((x) => x.stage === "denoise" && typeof x.etaSeconds === "number")).toBe(true);
  });

  it("extend forward and backward: only the new frames, the parent's words when none are given", async () => {
    const fwd = await run(cheapJob({ kind: "extend", prompt: "", parentClipId: root.id, direction: "forward" }));
    expect(fwd).toMatchObject({ kind: "extend", parentId: root.id, rootId: root.id, prompt: root.prompt,
      params: { render: "extend", source: root.id, direction: "forward" }, frames: { count: 4 } });
    const back = await run(cheapJob({ kind: "extend", prompt: "a red ball falls", parentClipId: fwd.id, direction: "backward", seconds: 1 }));
    expect(back).toMatchObject({ parentId: fwd.id, rootId: root.id, prompt: "a red ball falls", params: { direction: "backward" }, frames: { count: 8 } });
    // The rewrite of a continuation keeps its parent's scene: "a blue square" said nothing of a background.
    const tail = await run(cheapJob({ kind: "extend", prompt: "it moves to the left", parentClipId: other.id }));
    expect(parsePrompt(tail.expandedPrompt)).toMatchObject({
      objects: [{ color: "blue", shape: "square", motion: "left" }], background: parsePrompt(other.expandedPrompt).background,
    });
    expect((await storedFrames(back)).frames).toHaveLength(8);
  });

  it("remix keeps the parent's length; reroll re-renders the parent's render with a new seed", async () => {
    const remix = await run(cheapJob({ kind: "remix", prompt: "a green ball", parentClipId: root.id, strength: 0.5, seconds: undefined }));
    expect(remix).toMatchObject({ kind: "remix", parentId: root.id, params: { render: "remix", strength: 0.5 }, frames: { count: 5 } });

    const ext = await run(cheapJob({ kind: "extend", prompt: "", parentClipId: root.id }));
    const reroll = await run(cheapJob({ kind: "reroll", prompt: "", parentClipId: ext.id, seed: undefined, seconds: undefined }));
    expect(reroll).toMatchObject({ kind: "reroll", parentId: ext.id, prompt: ext.prompt,
      params: { render: "extend", source: root.id, direction: "forward", steps: 2 }, frames: { count: 4 } });
    expect(reroll.seed).not.toBe(ext.seed);
  });

  it("raw (--raw) renders the prompt as written, and its reroll does too", async () => {
    const raw = await run(cheapJob({ prompt: "a red ball bouncing", raw: true }));
    expect(raw).toMatchObject({ prompt: "a red ball bouncing", expandedPrompt: "a red ball bouncing", params: { raw: true } });
    const again = await run(cheapJob({ kind: "reroll", prompt: "", parentClipId: raw.id, seed: undefined, seconds: undefined }));
    expect(again.expandedPrompt).toBe("a red ball bouncing");
  });

  it("animate: the stored image is frame 0 of a clip in the picture's aspect", async () => {
    // A wide picture → 16:9 (112×64 at this model).
    const still = squareClip({ width: 160, height: 90, frames: 1, size: 30, x0: 60, y: 30 }).frames[0];
    const png = join(files, "still.png");
    await writeThumbnail(still, png, { scale: 1 });
    const imageRef = await ts.store.putBlob(readFileSync(png), "png", "frame");
    const rec = await run(cheapJob({ kind: "animate", prompt: "", imageRef }));
    expect(rec).toMatchObject({ kind: "animate", params: { render: "animate", imageRef, aspect: "16:9" }, frames: { width: 112, height: 64, count: 5 } });
    expect(rec.parentId).toBeUndefined();
    expect(rec.prompt).toBe("the scene moves gently");
    expect(rec.expandedPrompt).toBe(rec.prompt);   // not rewritten into a default disc the picture does not show
    // Frame 0 is the picture itself (through H.264 and back, so compared loosely).
    const want = await decodeImage(png, { width: 112, height: 64 });
    const got = (await storedFrames(rec)).frames[0];
    let diff = 0;
    for (let i = 0; i < want.data.length; i++) diff += Math.abs(want.data[i] - got.data[i]);
    expect(diff / want.data.length).toBeLessThan(12);
  });

  it("interpolate stores the way from the parent to the other clip, then that clip", async () => {
    const rec = await run(cheapJob({ kind: "interpolate", prompt: "", parentClipId: root.id, otherClipId: other.id }));
    expect(rec).toMatchObject({ kind: "interpolate", parentId: root.id, params: { render: "interpolate", otherClipId: other.id } });
    // 0.5 s of in-betweens (4 frames) + the other clip's 5.
    expect(rec.frames.count).toBe(4 + 5);
  });

  it("loop: from a prompt, or of a clip (the clip then a bridge back to its start)", async () => {
    const fromText = await run(cheapJob({ kind: "loop", prompt: "a yellow star spins", seconds: 1 }));
    expect(fromText).toMatchObject({ kind: "loop", params: { render: "loop" }, frames: { count: 9 } });
    expect(fromText.parentId).toBeUndefined();
    const ofClip = await run(cheapJob({ kind: "loop", prompt: "", parentClipId: root.id, seconds: undefined }));
    expect(ofClip).toMatchObject({ kind: "loop", parentId: root.id, prompt: root.prompt, params: { render: "loop", source: root.id } });
    expect(ofClip.frames.count).toBeGreaterThan(root.frames.count);
  });

  it("stitch joins the lineage in play order into one video", async () => {
    const fwd = await run(cheapJob({ kind: "extend", prompt: "", parentClipId: root.id }));
    const back = await run(cheapJob({ kind: "extend", prompt: "", parentClipId: fwd.id, direction: "backward" }));
    const st = await run(cheapJob({ kind: "stitch", prompt: "", parentClipId: back.id }));
    expect(st).toMatchObject({ kind: "stitch", parentId: back.id, rootId: root.id, prompt: back.prompt, params: { render: "stitch", parts: [root.id, back.id, fwd.id] } });
    expect(st.frames.count).toBe(5 + 4 + 4);
    expect((await storedFrames(st)).frames).toHaveLength(13);
    expect(st.files.preview && st.files.thumbnail).toBeTruthy();
  });
});
