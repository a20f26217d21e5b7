// Issue 24's parity items on the fake Slack, end to end (real Bolt in Socket Mode, the real queue on Redis, the
// kernel's Delivery): the queue position refreshed while a job waits, and `/sora connect …` and `/sora stitch …` of
// chosen clips of the channel, with the refusals people get for clips that are not theirs to name. The worker is the
// stub (test/discord/stub-worker.ts) that holds its first job, so the line moves exactly once; the engine's
// interpolate is test/worker/kinds.test.ts's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARAM_LIMITS } from "../../engine/queue/limits.ts";
import { jobIdForEvent } from "../../engine/queue/keys.ts";
import type { ClipRecord } from "../../engine/store/index.ts";
import { t } from "../../commands/i18n.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "../discord/stub-worker.ts";
import { showLogsOnFailure, World } from "./harness.ts";
import type { FakeMessage } from "./fake/server.ts";

let w: World;
let stub: StubWorker | undefined;
const dir = mkdtempSync(join(tmpdir(), "sora-slack-parity-"));
beforeAll(async () => {
  w = await World.start({ adapter: { progressIntervalMs: 50 } });
});
afterAll(async () => {
  stub?.release();
  await stub?.close();
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

showLogsOnFailure(() => w);

/** Top-level bot messages in #general, oldest first: the progress messages. */
const progressMessages = () => w.fake.state.thread(w.general.id).filter((m) => m.bot_id);

/** The next clip in a thread: its caption-and-buttons message (linked to the clip) after `after` replies. */
async function nextClip(threadTs: string, after: number): Promise<{ message: FakeMessage; clip: ClipRecord }> {
  const message = await w.fake.waitFor(() => w.fake.threadOf(w.general, threadTs).filter((m) => m.ts !== threadTs).slice(after)
    .find((m) => m.bot_id && w.fake.buttons(m).length === 7), 60_000, "a clip in the thread");
  return { message, clip: await w.clipOf(message) };
}

const repliesIn = (threadTs: string) => w.fake.threadOf(w.general, threadTs).filter((m) => m.ts !== threadTs).length;
const permalink = (m: FakeMessage) => `https://clipclub.slack.com/archives/${w.general.id}/p${m.ts.replace(".", "")}`;

describe("slack: the queue position while a job waits", () => {
  it("'position 3' becomes 'position 2' when the job ahead starts, then the job runs and is done", async () => {
    for (const p of ["a red ball", "a blue ball", "a green ball"]) await w.fake.slash(w.alice, w.general, p);
    const third = await w.fake.waitFor(() => progressMessages()[2], 30_000, "three progress messages");
    expect(progressMessages().map((m) => m.text.split(",")[0])).toEqual([1, 2, 3].map((n) => `Waiting in line: position ${n}`));
    stub = startStubWorker(w.prefix, w.store, await noiseVideo(join(dir, "noise.mp4")));
    stub.hold = true;
    await w.fake.waitFor(() => third.text.startsWith("Waiting in line: position 2"), 30_000, "the third job moved up");
    stub.release();
    await w.fake.waitFor(() => progressMessages().slice(0, 3).every((m) => m.text.startsWith("Done")), 60_000, "every job done");
    const shown = third.history.filter((h) => h.startsWith("Waiting in line")).map((h) => /position (\d+)/.exec(h)![1]);
    expect(shown.slice(0, 2), "3 first, then 2, in that order").toEqual(["3", "2"]);
  });
});

describe("slack: connect and stitch chosen clips", () => {
  let thread: string;
  let first: { message: FakeMessage; clip: ClipRecord };
  let second: { message: FakeMessage; clip: ClipRecord };

  async function ephemeral(user: { id: string }, after: number): Promise<string> {
    return (await w.fake.waitFor(() => w.fake.state.ephemerals.filter((e) => e.user === user.id).slice(after)[0], 30_000, "an ephemeral answer")).text;
  }

  it("/sora connect <id> <permalink> posts the in-between in the second clip's channel", async () => {
    const before = progressMessages().length;
    await w.fake.slash(w.alice, w.general, "a red ball bouncing");
    thread = (await w.fake.waitFor(() => progressMessages()[before], 30_000, "the progress message")).ts;
    first = await nextClip(thread, 0);
    await w.fake.say(w.alice, w.general, "it rolls to the left", { thread_ts: thread });
    second = await nextClip(thread, repliesIn(thread) - 1);

    const ack = w.fake.slash(w.alice, w.general, `connect ${first.clip.id} <${permalink(second.message)}>`);
    await ack;
    const progress = await w.fake.waitFor(() => progressMessages()[before + 1], 30_000, "the connect progress message");
    const made = await nextClip(progress.ts, 0);
    const { job } = await w.producer.status(jobIdForEvent("slack", `cmd-${ack.triggerId}`));
    expect(job).toMatchObject({ kind: "interpolate", parentClipId: first.clip.id, otherClipId: second.clip.id });
    expect(made.clip).toMatchObject({ kind: "interpolate", parentId: first.clip.id, origin: { platform: "slack", userId: w.alice.id } });
  });

  it("/sora stitch <permalink> <id> → one video of both, in that order", async () => {
    const before = progressMessages().length;
    const ack = w.fake.slash(w.alice, w.general, `stitch ${permalink(second.message)} ${first.clip.id}`);
    await ack;
    const progress = await w.fake.waitFor(() => progressMessages()[before], 30_000, "the stitch progress message");
    const made = await nextClip(progress.ts, 0);
    const { job } = await w.producer.status(jobIdForEvent("slack", `cmd-${ack.triggerId}`));
    expect(job).toMatchObject({ kind: "stitch", parentClipId: first.clip.id, parts: [second.clip.id, first.clip.id] });
    expect(made.clip).toMatchObject({ kind: "stitch", parentId: first.clip.id });
  });

  it("bad names, another person's private clip and too long a stitch: a localized refusal, nothing queued or posted", async () => {
    const video = { data: await w.store.readBlob(first.clip.files.video), ext: "mp4" };
    // Mallory's clip from her direct messages with the bot, and a clip of this channel longer than a stitch may be.
    const secret = await w.store.putClip({ kind: "generate", prompt: "private", expandedPrompt: "private", seed: 1, params: {}, frames: first.clip.frames,
      origin: { platform: "slack", userId: w.mallory.id, serverId: first.clip.origin.serverId!, locale: "en", place: { channelId: "D0MALLORY" } } }, { video });
    const long = await w.store.putClip({ kind: "generate", prompt: "long", expandedPrompt: "long", seed: 1, params: {}, frames: { ...first.clip.frames, count: 600, fps: 8 },
      origin: first.clip.origin }, { video });
    const jobs = await w.jobCount();
    const tops = progressMessages().length;
    const cases: [string, string, string][] = [
      [`connect ../../etc/passwd ${first.clip.id}`, "en", t("en", "errors.badClipId", { value: "../../etc/passwd" })],
      [`connect ${secret.id} ${first.clip.id}`, "en", t("en", "errors.clipNotHere", { value: secret.id })],
      [`connect clip_doesnotexist ${first.clip.id}`, "en", t("en", "errors.clipNotHere", { value: "clip_doesnotexist" })],
      [`connect https://evil.example/x ${first.clip.id}`, "en", t("en", "errors.badClipId", { value: "https://evil.example/x" })],
      [`stitch ${first.clip.id} clip_nothere`, "en", t("en", "errors.clipNotHere", { value: "clip_nothere" })],
      [`stitch ${first.clip.id} ${long.id}`, "en",
        t("en", "errors.stitchTooLong", { seconds: Math.round((first.clip.frames.count / first.clip.frames.fps + 75) * 10) / 10, max: PARAM_LIMITS.seconds.max })],
    ];
    for (const [text, , want] of cases) {
      const seen = w.fake.state.ephemerals.filter((e) => e.user === w.alice.id).length;
      await w.fake.slash(w.alice, w.general, text);
      expect(await ephemeral(w.alice, seen), text).toBe(want);
    }
    // Bruno writes in Spanish: the refusal is his.
    const seen = w.fake.state.ephemerals.filter((e) => e.user === w.bruno.id).length;
    await w.fake.slash(w.bruno, w.general, `connect ${first.clip.id} ${first.clip.id}`);
    expect(await ephemeral(w.bruno, seen)).toBe(t("es", "errors.connectSameClip"));
    expect(await w.jobCount(), "nothing queued").toBe(jobs);
    expect(progressMessages().length, "nothing posted").toBe(tops);
  });
});
