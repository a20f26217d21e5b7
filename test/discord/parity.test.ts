// Issue 24's parity items on the fake Discord, end to end (real discord.js, the real queue on Redis, the kernel's
// Delivery): the queue position refreshed while a job waits, and /connect and /stitch of chosen clips of a thread,
// with the refusals people get for clips that are not theirs to name. The worker is the stub (test/discord/
// stub-worker.ts) that holds its first job, so the line moves exactly once; the engine's interpolate is
// test/worker/kinds.test.ts's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PARAM_LIMITS } from "../../engine/queue/limits.ts";
import { jobIdForEvent } from "../../engine/queue/keys.ts";
import type { ClipRecord } from "../../engine/store/index.ts";
import { t } from "../../commands/i18n.ts";
import { World } from "./harness.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "./stub-worker.ts";
import type { FakeChannel, FakeInteraction, FakeMessage } from "./fake/server.ts";

let w: World;
let stub: StubWorker | undefined;
const dir = mkdtempSync(join(tmpdir(), "sora-discord-parity-"));
beforeAll(async () => {
  w = await World.start({ adapter: { deferAfterMs: 0, progressIntervalMs: 50 } });
});
afterAll(async () => {
  stub?.release();
  await stub?.close();
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("discord: the queue position while a job waits", () => {
  it("'position 3' becomes 'position 2' when the job ahead starts, then the job runs and is done", async () => {
    const asks = ["a red ball", "a blue ball", "a green ball"].map((p) => w.fake.slash(w.alice, w.general.id, "sora", { prompt: p }));
    for (const [n, i] of asks.entries()) {
      await w.fake.waitFor(() => w.fake.original(i)?.content.startsWith(`Waiting in line: position ${n + 1}`), 30_000, `position ${n + 1}`);
    }
    stub = startStubWorker(w.prefix, w.store, await noiseVideo(join(dir, "noise.mp4")));
    stub.hold = true;
    const third = asks[2]!;
    await w.fake.waitFor(() => w.fake.original(third)?.content.startsWith("Waiting in line: position 2"), 30_000, "the third job moved up");
    expect(w.fake.original(asks[1]!)!.content).toMatch(/^Waiting in line: position 1/);
    stub.release();
    await w.fake.waitFor(() => asks.every((i) => w.fake.original(i)?.content.startsWith("Done")), 60_000, "every job done");
    const history = w.fake.original(third)!.history;
    const shown = history.filter((h) => h.startsWith("Waiting in line")).map((h) => /position (\d+)/.exec(h)![1]);
    expect(shown.slice(0, 2), "3 first, then 2, in that order").toEqual(["3", "2"]);
    expect(history.findIndex((h) => /%/.test(h)), "running only after waiting").toBeGreaterThan(history.findIndex((h) => h.includes("position 2")));
  });
});

describe("discord: /connect and /stitch of chosen clips", () => {
  let thread: FakeChannel;
  let first: { message: FakeMessage; clip: ClipRecord };
  let second: { message: FakeMessage; clip: ClipRecord };

  async function nextClip(channelId: string, after: number): Promise<{ message: FakeMessage; clip: ClipRecord }> {
    const message = await w.fake.waitFor(() => w.fake.channelMessages(channelId).slice(after)
      .find((m) => m.author.id === w.fake.bot.id && m.attachments.some((a) => a.filename.endsWith(".mp4"))), 120_000, "a clip message");
    // The link is written right after the post.
    let clip: ClipRecord | undefined;
    for (let n = 0; n < 200 && !clip; n++) {
      clip = await w.links.clipForMessage("discord", message.id);
      if (!clip) await new Promise((r) => setTimeout(r, 20));
    }
    expect(clip, "the clip message is linked").toBeDefined();
    return { message, clip: clip! };
  }

  function ephemeralAnswer(i: FakeInteraction): Promise<FakeMessage> {
    return w.fake.waitFor(() => w.fake.answers(i).find((m) => (m.flags & 64) !== 0 && m.content), 30_000, "an ephemeral answer");
  }

  const link = (m: FakeMessage) => `https://discord.com/channels/${w.guild.id}/${m.channel_id}/${m.id}`;

  it("two clips in a thread: /connect from one (by id) to the other (by message link) posts the in-between", async () => {
    w.fake.slash(w.alice, w.general.id, "sora", { prompt: "a red ball bouncing" });
    thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id)[0], 120_000, "a thread");
    first = await nextClip(thread.id, 0);
    w.fake.say(w.alice, thread.id, "it rolls to the left");
    second = await nextClip(thread.id, w.fake.channelMessages(thread.id).indexOf(first.message) + 1);

    const before = w.fake.channelMessages(thread.id).length;
    const asked = w.fake.slash(w.alice, thread.id, "connect", { from: first.clip.id, to: link(second.message), prompt: "--steps 3" });
    const made = await nextClip(thread.id, before);
    const { job } = await w.producer.status(jobIdForEvent("discord", asked.id));
    expect(job).toMatchObject({ kind: "interpolate", parentClipId: first.clip.id, otherClipId: second.clip.id, steps: 3 });
    expect(made.clip).toMatchObject({ kind: "interpolate", parentId: first.clip.id });
    expect(made.clip.origin).toMatchObject({ platform: "discord", userId: w.alice.id, conversation: thread.id });
    expect((made.message.embeds[0] as { title: string }).title).toBe(t("en", "clip.kind.interpolate"));
  });

  it("/stitch clips: second then first → one video of both, in that order, posted in the thread", async () => {
    const before = w.fake.channelMessages(thread.id).length;
    const asked = w.fake.slash(w.alice, thread.id, "stitch", { clips: `${link(second.message)} ${first.clip.id}` });
    const made = await nextClip(thread.id, before);
    const { job } = await w.producer.status(jobIdForEvent("discord", asked.id));
    expect(job).toMatchObject({ kind: "stitch", parentClipId: first.clip.id, parts: [second.clip.id, first.clip.id] });
    expect(made.clip).toMatchObject({ kind: "stitch", parentId: first.clip.id });
  });

  it("bad names, another person's private clip and too long a stitch: a localized refusal, nothing queued or posted", async () => {
    // Another person's clip from their direct messages, and an hour-long clip of this thread (records only: nothing
    // decodes them, the refusal comes first).
    const video = { data: await w.store.readBlob(first.clip.files.video), ext: "mp4" };
    const secret = await w.store.putClip({ kind: "generate", prompt: "private", expandedPrompt: "private", seed: 1, params: {}, frames: first.clip.frames,
      origin: { platform: "discord", userId: w.mallory.id, locale: "en", place: { channelId: "dm-mallory" } } }, { video });
    const long = await w.store.putClip({ kind: "generate", prompt: "long", expandedPrompt: "long", seed: 1, params: {}, frames: { ...first.clip.frames, count: 600, fps: 8 },
      origin: { ...first.clip.origin, conversation: thread.id } }, { video });
    await w.links.linkThread("discord", thread.id, long);
    const jobs = await w.jobCount();
    const clipsShown = () => w.fake.channelMessages(thread.id).filter((m) => m.attachments.length || m.embeds.length).length;
    const posted = clipsShown();
    const asked = (name: string, options: Record<string, string>, locale = "en-US") => ephemeralAnswer(w.fake.slash(w.alice, thread.id, name, options, locale));
    const cases: [Promise<FakeMessage>, string][] = [
      [asked("connect", { from: "../../etc/passwd", to: first.clip.id }), t("en", "errors.badClipId", { value: "../../etc/passwd" })],
      [asked("connect", { from: "https://evil.example/clip_x", to: first.clip.id }), t("en", "errors.badClipId", { value: "https://evil.example/clip_x" })],
      [asked("connect", { from: "clip_doesnotexist", to: first.clip.id }, "es-ES"), t("es", "errors.clipNotHere", { value: "clip_doesnotexist" })],
      [asked("connect", { from: secret.id, to: first.clip.id }), t("en", "errors.clipNotHere", { value: secret.id })],
      [asked("connect", { from: first.clip.id, to: first.clip.id }, "fr"), t("fr", "errors.connectSameClip")],
      [asked("stitch", { clips: `${first.clip.id} ${secret.id}` }), t("en", "errors.clipNotHere", { value: secret.id })],
      [asked("stitch", { clips: `${first.clip.id} ${long.id}` }, "ja"),
        t("ja", "errors.stitchTooLong", { seconds: Math.round((first.clip.frames.count / first.clip.frames.fps + 75) * 10) / 10, max: PARAM_LIMITS.seconds.max })],
    ];
    for (const [answer, text] of cases) expect((await answer).content).toBe(text);
    expect(await w.jobCount(), "nothing queued").toBe(jobs);
    expect(clipsShown(), "no clip posted in the thread").toBe(posted);
  });
});
