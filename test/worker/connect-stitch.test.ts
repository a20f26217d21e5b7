// /connect and /stitch of chosen clips through the real thing: the command handlers, the real producer on Redis (a
// prefix of its own), a real engine worker with the shipped model (2 steps, half-second 64×64 clips) and real ffmpeg,
// on an fs clip store. Two clips are rendered, then stitched in a chosen order and connected; ffprobe and the decoded
// frames check the outputs. Bad part lists are refused where they are asked for (the command, else the producer, else
// the worker), with an answer in the requester's language; the command and the producer leave the queue and the store
// as they were, the worker stores nothing.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t, type Params } from "../../commands/i18n.ts";
import { COMMANDS } from "../../commands/index.ts";
import { guarded } from "../../commands/respond.ts";
import { submit } from "../../commands/submit.ts";
import { ClipEvents } from "../../engine/queue/events.ts";
import { PARAM_LIMITS, STITCH_LIMITS } from "../../engine/queue/limits.ts";
import { Producer } from "../../engine/queue/producer.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";
import type { ClipRecord } from "../../engine/store/index.ts";
import type { Clip, RgbFrame as Frame } from "../../engine/types.ts";
import { decodeToFrames, probe, resolveBinaries, type ProbeResult } from "../../engine/video/index.ts";
import { startEngineWorker, type EngineWorker } from "../../engine/worker/index.ts";
import { MapClips, RecordingContext } from "../commands/harness.ts";
import { findTestPack } from "../pipeline/test-pack.ts";
import { cheapJob, cleanup, completedClip, outcomes, redis, tempStore, testPrefix, type TempStore } from "./helpers.ts";

const TP = findTestPack();
const execFileP = promisify(execFile);
const prefix = testPrefix("worker-connect-stitch");
/** Where RecordingContext's requests come from: clips made here are "this conversation's" to /connect and /stitch. */
const HERE = { platform: "discord", userId: "owner", serverId: "guild-1", locale: "en", place: { channelId: "chan-1" } } as const;
let r: Redis;
let ts: TempStore;
let worker: EngineWorker;
let producer: Producer;
let events: ClipEvents;
let seen: ReturnType<typeof outcomes>;
/** What the commands look clips up in: the stored records, as the bot's ClipLinks would return them. */
const clips = new MapClips();
const files = mkdtempSync(join(tmpdir(), "sora-connect-stitch-"));

beforeAll(async () => {
  if (!TP.dir) return;
  r = redis();
  ts = tempStore();
  worker = await startEngineWorker({ redis: redis(), prefix, store: ts.store, modelDir: TP.dir, threads: 1, concurrency: 2, log: () => undefined });
  const many = { max: 1000, windowSeconds: 60 };
  producer = new Producer({ prefix, redis: redis(), store: ts.store, rateLimits: { user: many, server: many } });
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
  rmSync(files, { recursive: true, force: true });
});

const ctx = (locale = "en") => new RecordingContext({ producer, clips, locale });

async function stored(clipId: string): Promise<ClipRecord> {
  const rec = await ts.store.getClip(clipId);
  expect(rec).toBeDefined();
  clips.clips.set(rec!.id, rec!);
  return rec!;
}

async function render(job: ClipJob): Promise<ClipRecord> {
  const { jobId } = await producer.enqueue(job);
  return stored(await completedClip(seen.wait(jobId)));
}

/** Run a command as a person would; it must queue one job and answer nothing but progress. Returns the stored clip. */
async function viaCommand(command: "connect" | "stitch", args: Record<string, string>): Promise<ClipRecord> {
  const c = ctx();
  await COMMANDS[command].handle(c, args);
  expect(c.replies).toEqual([]);
  expect(c.progressUpdates).toHaveLength(1);
  return stored(await completedClip(seen.wait(c.progressUpdates[0]!.jobId)));
}

/** The stored MP4 as ffprobe sees it, and its frames decoded at the clip's size. */
async function video(rec: ClipRecord): Promise<{ info: ProbeResult; clip: Clip }> {
  const file = join(files, `${rec.id}.mp4`);
  writeFileSync(file, await ts.store.readBlob(rec.files.video));
  return { info: await probe(file), clip: await decodeToFrames(file, { width: rec.frames.width, height: rec.frames.height }) };
}

/** Mean absolute difference per channel value, 0..255. */
function diff(a: Frame, b: Frame): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

/** Every file in the store folder, relative: the store is untouched when this does not change. */
function storeFiles(): string[] {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(ts.dir, join(dir, e.name))]));
  return walk(ts.dir).sort();
}

/** A reference as answers quote it (commands/clip-refs.ts shortens long ones). */
const shown = (ref: string) => (ref.length > 40 ? `${ref.slice(0, 39)}…` : ref);

async function queueCounts() {
  return producer.queue.getJobCounts("waiting", "prioritized", "delayed", "active", "completed", "failed");
}

describe.skipIf(!TP.dir)(`/connect and /stitch of chosen clips on the engine worker (${TP.reason})`, () => {
  let a: ClipRecord;
  let b: ClipRecord;
  let va: { info: ProbeResult; clip: Clip };
  let vb: { info: ProbeResult; clip: Clip };

  it("renders two clips that look nothing alike", async () => {
    [a, b] = await Promise.all([
      render(cheapJob({ prompt: "a red ball on a plain white background", seed: 21, origin: HERE })),
      render(cheapJob({ prompt: "a blue square on a plain black background", seed: 22, origin: HERE })),
    ]);
    [va, vb] = [await video(a), await video(b)];
    expect(va.clip.frames).toHaveLength(a.frames.count);
    expect(vb.clip.frames).toHaveLength(b.frames.count);
    // The order checks below mean something only if a frame of one is far from every frame of the other.
    for (const fa of va.clip.frames) for (const fb of vb.clip.frames) expect(diff(fa, fb)).toBeGreaterThan(40);
  });

  it("/stitch clips: b a → one video of b then a: its length is theirs together, its frames theirs in that order", async () => {
    const st = await viaCommand("stitch", { clips: `${b.id} ${a.id}` });
    expect(st).toMatchObject({ kind: "stitch", parentId: a.id, params: { render: "stitch", parts: [b.id, a.id] }, frames: { count: b.frames.count + a.frames.count } });
    const { info, clip } = await video(st);
    expect(info).toMatchObject({ codec: "h264", frames: b.frames.count + a.frames.count });
    expect(info.duration).toBeCloseTo(vb.info.duration + va.info.duration, 1);
    expect(Math.abs(info.duration - (vb.info.duration + va.info.duration))).toBeLessThan(1 / a.frames.fps);

    // Each stitched frame is its part's frame (through H.264 twice), and far from the other part's.
    const parts = [...vb.clip.frames.map((f) => [f, va.clip.frames[0]!] as const), ...va.clip.frames.map((f) => [f, vb.clip.frames[0]!] as const)];
    expect(clip.frames).toHaveLength(parts.length);
    clip.frames.forEach((got, i) => {
      const [want, other] = parts[i]!;
      expect(diff(got, want), `frame ${i}`).toBeLessThan(12);
      expect(diff(got, other), `frame ${i}`).toBeGreaterThan(40);
    });
    // The ends in particular: it opens on b's first frame and closes on a's last.
    expect(diff(clip.frames[0]!, vb.clip.frames[0]!)).toBeLessThan(diff(clip.frames[0]!, va.clip.frames[0]!));
    expect(diff(clip.frames.at(-1)!, va.clip.frames.at(-1)!)).toBeLessThan(diff(clip.frames.at(-1)!, vb.clip.frames.at(-1)!));
  });

  it("/connect a b → the frames between them, then b: a sensible length, ending on b", async () => {
    const con = await viaCommand("connect", { from: a.id, to: b.id, prompt: "--steps 2 --seconds 0.5 --seed 5" });
    const between = 4;   // half a second at 8 fps, after a's last frame
    expect(con).toMatchObject({ kind: "interpolate", parentId: a.id, params: { render: "interpolate", otherClipId: b.id }, frames: { fps: 8, count: between + b.frames.count } });
    const { info, clip } = await video(con);
    expect(info).toMatchObject({ codec: "h264", frames: between + b.frames.count, width: va.info.width, height: va.info.height });
    expect(Math.abs(info.duration - (between + b.frames.count) / 8)).toBeLessThan(1 / 8);
    // b's frames close it, as they were.
    vb.clip.frames.forEach((want, i) => expect(diff(clip.frames[between + i]!, want), `frame ${between + i}`).toBeLessThan(12));
    expect(diff(clip.frames.at(-1)!, vb.clip.frames.at(-1)!)).toBeLessThan(diff(clip.frames.at(-1)!, va.clip.frames.at(-1)!));
    // The frames before it go from a towards b: the first is nearer a's last frame than the last one is.
    const fromA = clip.frames.slice(0, between).map((f) => diff(f, va.clip.frames.at(-1)!));
    expect(fromA[0]!).toBeLessThan(fromA.at(-1)!);
  });

  describe("a bad part list is refused with the reason, in the requester's language, touching neither queue nor store", () => {
    let long: ClipRecord;

    beforeAll(async () => {
      if (!a) return;
      // A clip that runs the whole length limit, record and file: a test pattern ffmpeg makes in a moment.
      const seconds = PARAM_LIMITS.seconds.max;
      const file = join(files, "long.mp4");
      await execFileP(resolveBinaries().ffmpeg, ["-v", "error", "-f", "lavfi", "-i", `testsrc=size=64x64:rate=8:duration=${seconds}`,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", file]);
      long = await ts.store.putClip({ kind: "generate", prompt: "long", expandedPrompt: "long", seed: 1, params: {}, origin: HERE,
        frames: { ...a.frames, count: seconds * a.frames.fps } }, { video: { data: readFileSync(file), ext: "mp4" } });
      clips.clips.set(long.id, long);
    });

    it("by the command: unknown clip, too many, too long, a path, a link", async () => {
      const queue = await queueCounts();
      const store = storeFiles();
      const cases: [string, string, Params][] = [
        [`clip_nope ${a.id}`, "errors.clipNotHere", { value: "clip_nope" }],
        [Array(STITCH_LIMITS.parts + 1).fill(a.id).join(" "), "errors.stitchTooManyClips", { count: STITCH_LIMITS.parts + 1, max: STITCH_LIMITS.parts }],
        [`${long.id} ${a.id}`, "errors.stitchTooLong", { seconds: Math.round((PARAM_LIMITS.seconds.max + a.frames.count / 8) * 10) / 10, max: PARAM_LIMITS.seconds.max }],
        [`../../etc/passwd ${a.id}`, "errors.badClipId", { value: "../../etc/passwd" }],
        [`https://example.com/${a.id} ${a.id}`, "errors.badClipId", { value: shown(`https://example.com/${a.id}`) }],
      ];
      for (const [list, key, params] of cases) {
        const c = ctx("de");
        await COMMANDS.stitch.handle(c, { clips: list });
        expect(c.progressUpdates, list).toEqual([]);
        expect(c.replies, list).toEqual([{ key, params, text: t("de", key, params), ephemeral: true }]);
      }
      // /connect names its clips the same way.
      const c = ctx("de");
      await COMMANDS.connect.handle(c, { from: "../x", to: a.id });
      expect(c.replies.map((x) => x.key)).toEqual(["errors.badClipId"]);
      expect(await queueCounts()).toEqual(queue);
      expect(storeFiles()).toEqual(store);
    });

    it("by the producer, for a job that skipped the command's checks: one part, 25, unknown, a path, a link", async () => {
      const queue = await queueCounts();
      const store = storeFiles();
      const stitch = (parts: string[]): ClipJob => cheapJob({ kind: "stitch", prompt: "", origin: HERE, parentClipId: parts.at(-1)!, parts });
      const cases: [string[], string, RegExp][] = [
        [[a.id], "queue.invalidJob", /parts: must name at least 2 clips/],
        [Array(STITCH_LIMITS.parts + 1).fill(a.id), "queue.invalidJob", new RegExp(`parts: must name at most ${STITCH_LIMITS.parts} clips`)],
        [["clip_nope", a.id], "queue.unknownClip", /parts\.0: no clip with id clip_nope/],
        [["../../etc/passwd", a.id], "queue.invalidJob", /parts\.0: must be a clip id/],
        [[`https://example.com/${a.id}`, a.id], "queue.invalidJob", /parts\.0: must be a clip id/],
      ];
      for (const [parts, key, reason] of cases) {
        // Straight at the queue: the error says why, by field...
        await expect(producer.enqueue(stitch(parts))).rejects.toMatchObject({ name: "JobValidationError", userMessageKey: key, message: expect.stringMatching(reason) });
        // ...and through a handler's submit, the requester reads it.
        const c = ctx("fr");
        await guarded(c, async () => void (await submit(c, stitch(parts))));
        expect(c.replies, parts.join(" ")).toEqual([{ key, params: {}, text: t("fr", key), ephemeral: true }]);
      }
      expect(await queueCounts()).toEqual(queue);
      expect(storeFiles()).toEqual(store);
    });

    it("by the worker, for a job past those checks (too long, or a part unknown to a producer without the store): it fails with the reason, storing nothing", async () => {
      const store = storeFiles();
      const blind = new Producer({ prefix, redis: redis(), rateLimits: { user: { max: 1000, windowSeconds: 60 }, server: { max: 1000, windowSeconds: 60 } } });
      try {
        const cases: [Producer, string[], string, RegExp][] = [
          // The length is checked from the files, before anything is encoded.
          [producer, [long.id, a.id], "queue.stitchTooLong", /is 60\.6 s long; the limit is 60 s/],
          [blind, ["clip_nope", a.id], "queue.unknownClip", /parts: no clip with id clip_nope/],
        ];
        for (const [p, parts, key, reason] of cases) {
          const { jobId } = await p.enqueue(cheapJob({ kind: "stitch", prompt: "", origin: HERE, parentClipId: parts.at(-1)!, parts }));
          const outcome = await seen.wait(jobId);
          expect(outcome, parts.join(" ")).toMatchObject({ kind: "failed", userMessageKey: key, reason: expect.stringMatching(reason) });
          // A permanent failure: not retried, and what the requester is told says why.
          expect(await producer.status(jobId)).toMatchObject({ state: "failed", userMessageKey: key });
          expect((await producer.queue.getJob(jobId))?.attemptsMade).toBe(1);
          expect(t("de", key)).not.toBe(key);
        }
      } finally {
        await blind.close();
      }
      expect(storeFiles()).toEqual(store);
    });
  });
});
