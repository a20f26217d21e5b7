// Bad jobs are refused with every reason named; nothing is queued for them and other jobs are untouched.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobValidationError } from "../../engine/queue/errors.ts";
import { PARAM_LIMITS, STITCH_LIMITS, TEXT_LIMITS } from "../../engine/queue/limits.ts";
import { Producer } from "../../engine/queue/producer.ts";
import { validateJob } from "../../engine/queue/schema.ts";
import { FsClipStore } from "../../engine/store/fs-store.ts";
import { cleanup, job, redis, testPrefix } from "./helpers.ts";

function issuesOf(input: unknown): string[] {
  try {
    validateJob(input);
  } catch (err) {
    expect(err).toBeInstanceOf(JobValidationError);
    return (err as JobValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error("job was accepted");
}

describe("job schema", () => {
  it("accepts a valid job of every kind", () => {
    const base = job("u");
    const ok = [
      { ...base, steps: 30, guidance: 7.5, seconds: 4, seed: 42, aspect: "16:9", negativePrompt: "blur" },
      { ...base, kind: "extend", prompt: "", parentClipId: "clip_a", direction: "backward" },
      { ...base, kind: "remix", parentClipId: "clip_a", strength: 0.6 },
      { ...base, kind: "reroll", prompt: "", parentClipId: "clip_a" },
      { ...base, kind: "animate", imageRef: "frames/abc.png" },
      { ...base, kind: "interpolate", parentClipId: "clip_a", otherClipId: "clip_b" },
      { ...base, kind: "loop" },
      { ...base, kind: "loop", prompt: "", parentClipId: "clip_a" },
      { ...base, kind: "stitch", prompt: "", parentClipId: "clip_a" },
    ];
    for (const j of ok) expect(validateJob(j)).toEqual(j);
  });

  it("names each bad field with the limit it broke", () => {
    expect(issuesOf({ ...job("u"), steps: 500, guidance: -1, seconds: 0 })).toEqual([
      `steps: must be between ${PARAM_LIMITS.steps.min} and ${PARAM_LIMITS.steps.max}`,
      `guidance: must be between ${PARAM_LIMITS.guidance.min} and ${PARAM_LIMITS.guidance.max}`,
      `seconds: must be between ${PARAM_LIMITS.seconds.min} and ${PARAM_LIMITS.seconds.max}`,
    ]);
    expect(issuesOf({ ...job("u"), steps: 2.5 })).toEqual(["steps: must be a whole number"]);
    expect(issuesOf({ ...job("u"), prompt: "x".repeat(TEXT_LIMITS.prompt + 1) })).toEqual([
      `prompt: must be at most ${TEXT_LIMITS.prompt} characters`,
    ]);
    expect(issuesOf({ ...job("u"), kind: "dance" })[0]).toMatch(/^kind: must be one of generate, extend/);
    expect(issuesOf({ ...job("u"), aspect: "4:3" })).toEqual(["aspect: must be one of 1:1, 16:9, 9:16"]);
  });

  it("checks what each kind needs and refuses what it would ignore", () => {
    expect(issuesOf({ ...job("u"), kind: "extend" })).toEqual(["parentClipId: is required for extend"]);
    expect(issuesOf({ ...job("u"), kind: "interpolate", parentClipId: "a" })).toEqual([
      "otherClipId: is required for interpolate",
    ]);
    expect(issuesOf({ ...job("u"), prompt: "  " })).toEqual(["prompt: must not be empty for generate"]);
    expect(issuesOf({ ...job("u"), direction: "forward" })).toEqual(["direction: does not apply to generate"]);
    expect(issuesOf({ ...job("u"), kind: "stitch", parentClipId: "a", steps: 10 })).toEqual([
      "steps: does not apply to stitch",
    ]);
    expect(issuesOf({ ...job("u"), kind: "interpolate", parentClipId: "a", otherClipId: "a" })).toEqual([
      "otherClipId: must differ from parentClipId",
    ]);
  });

  it("takes clip ids as the store makes them, refusing paths and links by field, and bounds a stitch's parts", () => {
    const stitch = { ...job("u"), kind: "stitch", prompt: "", parentClipId: "clip_b" };
    expect(validateJob({ ...stitch, parts: ["clip_a", "clip-1", "clip_b"] }).parts).toEqual(["clip_a", "clip-1", "clip_b"]);
    const notAnId = "must be a clip id (letters, digits, _ and -)";
    expect(issuesOf({ ...stitch, parts: ["../../etc/passwd", "clip_b"] })).toEqual([`parts.0: ${notAnId}`]);
    expect(issuesOf({ ...stitch, parts: ["https://example.com/clip_a", "clip_b"] })).toEqual([`parts.0: ${notAnId}`]);
    expect(issuesOf({ ...job("u"), kind: "interpolate", parentClipId: "meta/clip_a", otherClipId: "clip_a:1" })).toEqual([
      `parentClipId: ${notAnId}`, `otherClipId: ${notAnId}`,
    ]);
    expect(issuesOf({ ...stitch, parts: ["clip_b"] })).toEqual(["parts: must name at least 2 clips"]);
    expect(issuesOf({ ...stitch, parts: [...Array(STITCH_LIMITS.parts).fill("clip_a"), "clip_b"] })).toEqual([`parts: must name at most ${STITCH_LIMITS.parts} clips`]);
    expect(issuesOf({ ...stitch, parts: ["clip_b", "clip_a"] })).toEqual(["parentClipId: must be the last of parts"]);
  });

  it("refuses unknown fields and a malformed origin", () => {
    expect(issuesOf({ ...job("u"), stepz: 10 })).toEqual([": unknown field(s): stepz"]);
    const j = job("u");
    // Which platforms exist is the bot's business (commands/context.ts PLATFORMS); to the engine the platform is an
    // opaque namespace of user ids, checked like any id.
    expect(issuesOf({ ...j, origin: { ...j.origin, platform: "has space", userId: "has space" } })).toEqual([
      "origin.platform: must not contain spaces or control characters",
      "origin.userId: must not contain spaces or control characters",
    ]);
    const tooMuch = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "v"]));
    expect(issuesOf({ ...j, origin: { ...j.origin, place: tooMuch } })).toEqual(["origin.place: must have at most 8 entries"]);
    expect(issuesOf({ ...j, origin: { ...j.origin, place: { channelId: "a b" } } })).toEqual(["origin.place.channelId: must not contain spaces or control characters"]);
    expect(issuesOf("not a job")[0]).toMatch(/expected object/);
  });

  it("keeps the origin's place as given, and moves a job of an earlier bot's place fields into it", () => {
    const j = job("u");
    const place = { channelId: "c1", threadId: "1700000000.000100", messageId: "m1" };
    expect(validateJob({ ...j, origin: { ...j.origin, place } }).origin.place).toEqual(place);
    const { conversation: _c, ...older } = j.origin;
    expect(validateJob({ ...j, origin: { ...older, ...place } }).origin).toEqual({ ...older, place });
  });

  it("reads an earlier bot's expand: false as raw, and its expand: true as the default", () => {
    expect(validateJob({ ...job("u"), expand: false }).raw).toBe(true);
    const plain = validateJob({ ...job("u"), expand: true });
    expect(plain.raw).toBeUndefined();
    expect("expand" in plain).toBe(false);
    expect(issuesOf({ ...job("u"), expand: "no" })).toEqual([": unknown field(s): expand"]);
  });
});

describe("producer refuses bad jobs without touching others", () => {
  let r: Redis;
  let dir: string;
  let store: FsClipStore;
  let p: Producer;
  const prefix = testPrefix("valid");
  beforeAll(async () => {
    r = redis();
    dir = await mkdtemp(join(tmpdir(), "queue-valid-"));
    store = new FsClipStore(dir);
    p = new Producer({ prefix, redis: redis(), store, rateLimits: { user: { max: 2, windowSeconds: 600 }, server: { max: 100, windowSeconds: 600 } } });
  });
  afterAll(async () => {
    await p.close();
    await cleanup(r, prefix);
    await r.quit();
    await rm(dir, { recursive: true, force: true });
  });

  it("oversized params, a missing parent field and an unknown clip id fail fast with reasons", async () => {
    const good = await p.enqueue(job("alice"));
    const bad = [
      { input: { ...job("alice"), steps: 1000 }, reason: /steps: must be between 1 and 100/, key: "queue.invalidJob" },
      { input: { ...job("alice"), kind: "extend" }, reason: /parentClipId: is required for extend/, key: "queue.invalidJob" },
      { input: { ...job("alice"), kind: "remix", parentClipId: "clip_gone" }, reason: /parentClipId: no clip with id clip_gone/, key: "queue.unknownClip" },
      { input: { ...job("alice"), kind: "animate", imageRef: "frames/missing.png" }, reason: /imageRef: no stored image/, key: "queue.unknownClip" },
    ];
    for (const b of bad) {
      const err = await p.enqueue(b.input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobValidationError);
      expect((err as Error).message).toMatch(b.reason);
      expect((err as JobValidationError).userMessageKey).toBe(b.key);
    }
    // Only the good job is queued, still first in line, and the bad ones used none of alice's two slots.
    expect(await p.queue.count()).toBe(1);
    expect(await p.status(good.jobId)).toMatchObject({ state: "waiting", position: 0 });
    await expect(p.enqueue(job("alice"))).resolves.toMatchObject({ duplicate: false, position: 1 });
  });

  it("a stitch of chosen clips: every part must be stored (its length is the worker's to check, from the files)", async () => {
    const put = (id: string, seconds: number) => store.putClip({
      id, kind: "generate", prompt: "p", expandedPrompt: "p", seed: 1, params: {}, origin: job("bob").origin,
      frames: { width: 64, height: 64, fps: 8, count: Math.round(seconds * 8) },
    }, { video: { data: Buffer.from("not really a video"), ext: "mp4" } });
    await put("clip_short", 2);
    await put("clip_half", PARAM_LIMITS.seconds.max / 2);
    const stitch = (parts: string[]) => job("bob", { kind: "stitch", prompt: "", parentClipId: parts.at(-1), parts });
    const before = await p.queue.count();
    const bad = [
      { parts: ["clip_gone", "clip_short"], reason: /parts\.0: no clip with id clip_gone/, key: "queue.unknownClip" },
      { parts: ["clip_short", "clip_gone", "clip_gone", "clip_half"], reason: /parts\.1: no clip with id clip_gone; parts\.2: no clip/, key: "queue.unknownClip" },
    ];
    for (const b of bad) {
      const err = await p.enqueue(stitch(b.parts)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobValidationError);
      expect((err as Error).message).toMatch(b.reason);
      expect((err as JobValidationError).userMessageKey).toBe(b.key);
    }
    expect(await p.queue.count()).toBe(before);
    // A clip may come back in the order.
    await expect(p.enqueue(stitch(["clip_half", "clip_short", "clip_half"]))).resolves.toMatchObject({ duplicate: false });
  });
});
