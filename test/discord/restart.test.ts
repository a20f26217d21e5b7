// Results survive bot restarts and go where they belong: a job in flight when its bot process stops (cleanly, or as
// after kill -9) is finished by the next process from the DeliveryBook in Redis — the same progress message edited on,
// the clip in the thread started from it, posted once — and two live processes never post one job twice. The stub
// worker (real queue, prepared video, no model) holds each job "running" until the test lets it go.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipRecord } from "../../engine/store/index.ts";
import type { DeliveryRecord } from "../../bot/core/deliveries.ts";
import type { DiscordPlace } from "../../bot/discord/port.ts";
import { waitForDelivery } from "../core/books.ts";
import { World } from "./harness.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "./stub-worker.ts";
import type { FakeInteraction, FakeMessage } from "./fake/server.ts";

const dir = mkdtempSync(join(tmpdir(), "sora-discord-restart-"));
let video: Buffer;

beforeAll(async () => {
  video = await noiseVideo(join(dir, "noise.mp4"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withWorld(body: (w: World, stub: StubWorker) => Promise<void>): Promise<void> {
  const w = await World.start({ adapter: { progressIntervalMs: 100 } });
  const stub = startStubWorker(w.prefix, w.store, video);
  stub.hold = true;
  try {
    await body(w, stub);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nadapter log:\n${w.logs.join("\n")}`, { cause: err });
  } finally {
    stub.release();
    await stub.close();
    await w.close();
  }
}

interface Running {
  i: FakeInteraction;
  progress: FakeMessage;
  jobId: string;
  /** Requests the fake had logged before the /sora. */
  since: number;
}

/** A /sora in #general whose job the stub worker holds running; its progress message shows a percentage. */
async function runningSora(w: World, prompt: string): Promise<Running> {
  const since = w.fake.requests.length;
  const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt });
  const progress = await w.fake.waitFor(() => {
    const m = w.fake.original(i);
    return m && /%/.test(m.content) ? m : undefined;
  }, 30_000, "the job running");
  const cancel = (progress.components as { components: { custom_id: string }[] }[])[0].components[0].custom_id;
  expect(cancel).toMatch(/^sora:cancel:/);
  return { i, progress, jobId: cancel.slice("sora:cancel:".length), since };
}

function claimKey(w: World, jobId: string): string {
  return `${w.prefix}:delivery:owner:${jobId}`;
}

/**
 * The job's clip arrived as if no process had stopped: in the thread started from the original progress message,
 * uploaded exactly once (counted on the fake's request log), nothing else posted in the channel, and the original
 * message ends as "Done" with the link to the clip (never a "Done" without it).
 */
async function deliveredOnce(w: World, r: Running, prompt: string, limitMs = 30_000): Promise<{ thread: string; message: FakeMessage; clip: ClipRecord }> {
  const thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id).find((c) => c.id === r.i.originalId), limitMs, "a thread from the progress message");
  const message = await w.fake.waitFor(() => w.fake.channelMessages(thread.id)
    .find((m) => m.author.id === w.fake.bot.id && m.attachments.some((a) => a.filename.endsWith(".mp4"))), limitMs, "the clip in the thread");
  let clip: ClipRecord | undefined;
  for (let n = 0; n < 100 && !clip; n++) {
    clip = await w.links.clipForMessage("discord", message.id);
    if (!clip) await sleep(20);
  }
  expect(clip?.prompt).toBe(prompt);
  const link = `/channels/${w.guild.id}/${thread.id}/${message.id}`;
  await w.fake.waitFor(() => r.progress.content.startsWith("Done") && r.progress.content.includes(link), 30_000, "the original progress message done, with the link");
  // Anything a second process would still do (a duplicate post, a late edit) has time to show.
  await sleep(1000);
  expect(r.progress.deleted, "the original progress message is kept").toBeFalsy();
  expect(r.progress.components, "no Cancel once done").toEqual([]);
  expect(r.progress.content).toContain(link);
  expect(r.progress.history.filter((h) => h.startsWith("Done")).every((h) => h.includes(link)), "no Done without the link").toBe(true);
  const uploads = w.fake.requests.slice(r.since).filter((q) => q.method === "POST" && q.files > 0);
  expect(uploads.map((q) => `${q.path} ${q.status}`), "one upload, into the thread").toEqual([`/channels/${thread.id}/messages 200`]);
  const inChannel = w.fake.channelMessages(w.general.id).filter((m) => m.author.id === w.fake.bot.id).map((m) => m.id);
  expect(inChannel, "nothing posted in the channel but the progress message").toEqual([r.i.originalId]);
  expect(await w.redis.exists(`${w.prefix}:delivery:job:${r.jobId}`), "the delivery is forgotten once shown").toBe(0);
  return { thread: thread.id, message, clip: clip! };
}

/** The delivery recorded in this world (its only job) that `check` accepts, once it is there. */
function delivery(w: World, what: string, check: (d: DeliveryRecord<DiscordPlace>) => boolean = () => true): Promise<DeliveryRecord<DiscordPlace>> {
  return waitForDelivery<DiscordPlace>(w.redis, `${w.prefix}:delivery`, check, what);
}

/** Edits of the progress message through the channel (a new process has no interaction token). */
function channelEdits(w: World, r: Running, after: number): number {
  return w.fake.requests.slice(after).filter((q) => q.method === "PATCH" && q.path === `/channels/${w.general.id}/messages/${r.i.originalId}` && q.status === 200).length;
}

/**
 * A /sora from a process that stops (as after kill -9) while the interaction's first answer (the progress message, or
 * the deferral it waits behind) is held back and never gets out: its delivery is recorded, without a message.
 */
async function crashWhilePosting(w: World, prompt: string): Promise<{ i: FakeInteraction; since: number; reserved: DeliveryRecord<DiscordPlace> }> {
  const crashing = w.book({ owner: "crashing", claimMs: 500 });
  await w.restartAdapter({ deliveries: crashing });
  w.fake.failNext({ method: "POST", path: /^\/interactions\/\d+\/[^/]+\/callback$/, status: 500, times: 1, hold: true });
  const since = w.fake.requests.length;
  const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt });
  await w.fake.waitFor(() => w.fake.heldCount > 0, 10_000, "the progress message on its way");
  const reserved = await delivery(w, "the reserved delivery");
  expect(reserved.place.progress.messageId, "recorded before the message exists").toBeUndefined();
  await crashing.stop();
  return { i, since, reserved };
}

describe("a job in flight when its bot process stops", () => {
  it("crash: the claim lapses, the next process edits the same progress message on and posts in its thread, once", async () => {
    await withWorld(async (w, stub) => {
      const crashing = w.book({ owner: "crashing", claimMs: 500 });
      await w.restartAdapter({ deliveries: crashing });
      const r = await runningSora(w, "through a crash");
      expect(await w.redis.get(claimKey(w, r.jobId))).toBe("crashing");
      await crashing.stop();      // no renewals, nothing handed back: as after kill -9
      await w.restartAdapter({ deliveries: w.book({ owner: "survivor" }) });
      const restarted = w.fake.requests.length;
      await w.fake.waitFor(() => w.logs.some((l) => l.includes(`took over job ${r.jobId}`)), 10_000, "the survivor taking the job over");
      expect(await w.redis.get(claimKey(w, r.jobId))).toBe("survivor");
      // Still running: the survivor shows it on the old message, through the channel.
      await w.fake.waitFor(() => channelEdits(w, r, restarted) > 0, 10_000, "a running edit from the survivor");
      stub.release();
      await deliveredOnce(w, r, "through a crash");
    });
  });

  it("crash, and the job completes before any sweep: the completion itself is claimed and delivered", async () => {
    await withWorld(async (w, stub) => {
      const crashing = w.book({ owner: "crashing", claimMs: 2000 });
      await w.restartAdapter({ deliveries: crashing });
      const r = await runningSora(w, "done while nobody followed");
      await crashing.stop();
      // The survivor's start-up sweep finds the claim still held; its next sweep would be a minute away.
      await w.restartAdapter({ deliveries: w.book({ owner: "survivor" }), adoptEveryMs: 60_000 });
      for (let n = 0; await w.redis.exists(claimKey(w, r.jobId)); n++) {
        if (n > 200) throw new Error("the crashed claim did not lapse");
        await sleep(50);
      }
      expect(w.logs.some((l) => l.includes(`took over job ${r.jobId}`)), "not taken over by a sweep").toBe(false);
      stub.release();
      await deliveredOnce(w, r, "done while nobody followed", 10_000);
      expect(w.logs.some((l) => l.includes(`took over job ${r.jobId}`))).toBe(true);
    });
  });

  it("crash while its progress message is being posted: the next process posts one in the channel and the clip under it", async () => {
    await withWorld(async (w, stub) => {
      const { i, since, reserved } = await crashWhilePosting(w, "posted by the next process");
      await w.restartAdapter({ deliveries: w.book({ owner: "survivor" }) });
      await w.fake.waitFor(() => w.logs.some((l) => l.includes(`took over job ${reserved.jobId}`)), 10_000, "the survivor taking the job over");
      // The job runs: the survivor shows it in a message of its own in the channel.
      const progress = await w.fake.waitFor(() => w.fake.channelMessages(w.general.id)
        .find((m) => m.author.id === w.fake.bot.id && /%/.test(m.content)), 10_000, "a progress message from the survivor");
      expect(w.fake.original(i), "the crashed process's answer never arrived").toBeUndefined();
      const rerecorded = await delivery(w, "the survivor's progress message", (d) => d.place.progress.messageId === progress.id);
      expect(rerecorded.jobId).toBe(reserved.jobId);
      stub.release();
      const thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id).find((c) => c.id === progress.id), 30_000, "a thread from the new progress message");
      await w.fake.waitFor(() => w.fake.channelMessages(thread.id).find((m) => m.attachments.some((a) => a.filename.endsWith(".mp4"))), 30_000, "the clip in the thread");
      await w.fake.waitFor(() => progress.content.startsWith("Done"), 30_000, "the new progress message done");
      await sleep(1000);
      const uploads = w.fake.requests.slice(since).filter((q) => q.method === "POST" && q.files > 0);
      expect(uploads.map((q) => `${q.path} ${q.status}`), "one upload, into the thread").toEqual([`/channels/${thread.id}/messages 200`]);
      const inChannel = w.fake.channelMessages(w.general.id).filter((m) => m.author.id === w.fake.bot.id).map((m) => m.id);
      expect(inChannel, "one progress message in the channel").toEqual([progress.id]);
      expect(await w.redis.exists(`${w.prefix}:delivery:job:${reserved.jobId}`), "the delivery is forgotten once shown").toBe(0);
    });
  });

  it("crash before its progress message was posted, and the job is done before the next process starts: the message comes first, the clip in its thread", async () => {
    await withWorld(async (w, stub) => {
      const { since, reserved } = await crashWhilePosting(w, "done before anyone followed");
      stub.release();
      for (let n = 0; !(await w.store.getClip(`clip_${reserved.jobId}`)); n++) {
        if (n > 300) throw new Error("the stub worker did not finish the job");
        await sleep(50);
      }
      await sleep(300);     // the worker's completion reaches the queue just after the clip is stored
      await w.restartAdapter({ deliveries: w.book({ owner: "survivor" }) });
      const progress = await w.fake.waitFor(() => w.fake.channelMessages(w.general.id)
        .find((m) => m.author.id === w.fake.bot.id), 30_000, "a message from the survivor in the channel");
      const thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id).find((c) => c.id === progress.id), 30_000, "a thread from the survivor's message");
      const clip = await w.fake.waitFor(() => w.fake.channelMessages(thread.id).find((m) => m.attachments.some((a) => a.filename.endsWith(".mp4"))), 30_000, "the clip in the thread");
      const link = `/channels/${w.guild.id}/${thread.id}/${clip.id}`;
      await w.fake.waitFor(() => progress.content.startsWith("Done") && progress.content.includes(link), 30_000, "the message done, with the link");
      await sleep(1000);
      const inChannel = w.fake.channelMessages(w.general.id).filter((m) => m.author.id === w.fake.bot.id).map((m) => m.id);
      expect(inChannel, "one message in the channel, the clip not among them").toEqual([progress.id]);
      const uploads = w.fake.requests.slice(since).filter((q) => q.method === "POST" && q.files > 0);
      expect(uploads.map((q) => `${q.path} ${q.status}`), "one upload, into the thread").toEqual([`/channels/${thread.id}/messages 200`]);
    });
  });

  it("clean restart: claims are handed back and the next process takes over at once, not after the claim time", async () => {
    await withWorld(async (w, stub) => {
      const first = w.book({ owner: "first", claimMs: 60_000 });
      await w.restartAdapter({ deliveries: first });
      const r = await runningSora(w, "through a restart");
      // What bot/start does on SIGTERM: the adapter closes (handing its jobs back), then the book stops.
      const next = w.book({ owner: "next" });
      await w.restartAdapter({ deliveries: next });
      // The adapter handed the claim back itself, and left the book (the app's) running.
      expect(await w.redis.get(claimKey(w, r.jobId)), "claim handed back by close()").not.toBe("first");
      const probe = { jobId: `probe-${r.jobId}`, platform: "discord" as const, locale: "en", place: {}, createdAt: Date.now() };
      await first.record(probe);
      await first.done(probe.jobId, "discord");
      await first.stop({ release: true });
      const restarted = w.fake.requests.length;
      await w.fake.waitFor(() => w.logs.some((l) => l.includes(`took over job ${r.jobId}`)), 5_000, "the next process taking the job over");
      await w.fake.waitFor(() => channelEdits(w, r, restarted) > 0, 5_000, "a running edit from the next process");
      stub.release();
      await deliveredOnce(w, r, "through a restart", 10_000);
    });
  });
});

describe("two live bot processes", () => {
  it("a job completes while both run: the process that took it posts it, the other does not", async () => {
    await withWorld(async (w, stub) => {
      const r = await runningSora(w, "seen by two");
      await w.startOtherProcess({ deliveries: w.book({ owner: "other" }), adoptEveryMs: 100 });
      await sleep(500);     // several sweeps of the other process
      stub.release();
      await deliveredOnce(w, r, "seen by two");
      expect(w.logs.filter((l) => l.startsWith("[other]") && l.includes("took over")), "the other process took nothing over").toEqual([]);
    });
  });

  it("the process that took the job stalls past its claim: the other takes it over and only that one posts", async () => {
    await withWorld(async (w, stub) => {
      const r = await runningSora(w, "a stalled process");
      await w.startOtherProcess({ deliveries: w.book({ owner: "other" }), adoptEveryMs: 100 });
      // As if the first process had hung for longer than its claim: the claim is gone, it still follows the job.
      await w.redis.del(claimKey(w, r.jobId));
      await w.fake.waitFor(() => w.logs.some((l) => l.startsWith("[other]") && l.includes(`took over job ${r.jobId}`)), 10_000, "the other process taking over");
      stub.release();
      await deliveredOnce(w, r, "a stalled process");
      expect(w.logs.some((l) => !l.startsWith("[other]") && l.includes(`job ${r.jobId} was taken over by another process`)), "the first process stood back").toBe(true);
    });
  });
});
