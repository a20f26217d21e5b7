// Slack's /sora animating an image shared with it, end to end: people on the fake Slack, the product's adapter on
// the real Bolt app, the real queue and shared-image keys on Redis, and the stub worker (test/discord/stub-worker.ts:
// a prepared video for every job) so the clip is posted through the real delivery; that an animate job renders its
// picture with the real model is flow.test.ts's thread-reply case.
// An image shared in the channel waits for its sharer's next /sora (taken once, never by someone else); a message
// that mentions the bot with an image attached asks at once. Hostile files — too large (declared, or lying about its
// size), not an image inside, a path-like name with a space — are answered in the sharer's language, nothing queued.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { jobIdForEvent } from "../../engine/queue/keys.ts";
import { encodePng } from "../../engine/synth/png.ts";
import type { ClipRecord } from "../../engine/store/index.ts";
import { t } from "../../commands/i18n.ts";
import { SharedImages } from "../../bot/core/shared-images.ts";
import { cleanup, until } from "../queue/helpers.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "../discord/stub-worker.ts";
import { World, showLogsOnFailure } from "./harness.ts";
import type { FakeFile, FakeUser } from "./fake/server.ts";

const MAX_IMAGE_BYTES = 1024 * 1024;
const prefix = `test-slack-shared-${randomUUID().slice(0, 8)}`;
const redis = connectRedis();
const sharedImages = new SharedImages(redis, { prefix });
const dir = mkdtempSync(join(tmpdir(), "sora-slack-shared-"));
let w: World;
let stub: StubWorker;

beforeAll(async () => {
  w = await World.start({ adapter: { sharedImages, maxImageBytes: MAX_IMAGE_BYTES } });
  stub = startStubWorker(w.prefix, w.store, await noiseVideo(join(dir, "noise.mp4")));
});

afterAll(async () => {
  await stub?.close();
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
  await cleanup(redis, prefix);
  await redis.quit();
});

showLogsOnFailure(() => w);

const png = (shade: number) => encodePng(new Uint8Array(64 * 64 * 3).fill(shade), 64, 64);

/** Share files in #general (a message event with them) and wait until the adapter has remembered the image. */
async function share(user: FakeUser, files: FakeFile[], text = ""): Promise<void> {
  const key = `${prefix}:slack:${w.fake.teamId}:${w.general.id}:${user.id}`;
  await redis.del(key);
  await w.fake.say(user, w.general, text, { files });
  await until(async () => (await redis.exists(key)) === 1, 30_000);
}

async function queuedJob(eventId: string): Promise<Record<string, unknown>> {
  let job: unknown;
  await until(async () => !!(job = (await w.producer.status(jobIdForEvent("slack", eventId))).job), 30_000);
  return job as Record<string, unknown>;
}

async function ephemeral(user: FakeUser, after: number): Promise<string> {
  return (await w.fake.waitFor(() => w.fake.ephemeralsFor(user)[after], 30_000, "an ephemeral answer")).text;
}

/** The clip posted in the thread under a progress message. */
async function clipUnder(progressTs: string): Promise<ClipRecord> {
  const buttons = await w.fake.waitFor(() => w.fake.state.thread(w.general.id, progressTs)
    .find((m) => m.bot_id && w.fake.buttons(m).some((b) => b.action_id.startsWith("sora:delete:"))), 120_000, "the clip's buttons");
  return w.clipOf(buttons);
}

describe("slack /sora with a shared image", () => {
  it("an image shared in the channel is animated by its sharer's next /sora, once", async () => {
    const image = png(200);
    await share(w.alice, [w.fake.userFile(w.alice, "my cat.png", image, "image/png")]);
    const sora = w.fake.slash(w.alice, w.general, `it blinks`);
    await sora;
    const job = await queuedJob(`cmd-${sora.triggerId}`);
    expect(job).toMatchObject({ kind: "animate", prompt: "it blinks" });
    expect(await w.store.readBlob(job.imageRef as string)).toEqual(image);

    const progress = await w.fake.waitFor(() => w.fake.state.thread(w.general.id).find((m) => m.bot_id && m.history[0].startsWith("Waiting")), 10_000, "the progress message");
    expect((await clipUnder(progress.ts)).kind).toBe("animate");

    // Taken: the next /sora is words only.
    const again = w.fake.slash(w.alice, w.general, `a red ball`);
    await again;
    expect(await queuedJob(`cmd-${again.triggerId}`)).toMatchObject({ kind: "generate" });
  });

  it("someone else's shared image is not theirs to animate; a non-image file is not remembered", async () => {
    await share(w.mallory, [w.fake.userFile(w.mallory, "theirs.png", png(40), "image/png")]);
    await w.fake.say(w.alice, w.general, "", { files: [w.fake.userFile(w.alice, "notes.pdf", Buffer.from("%PDF-1.4"), "application/pdf")] });
    const sora = w.fake.slash(w.alice, w.general, `a green star`);
    await sora;
    expect(await queuedJob(`cmd-${sora.triggerId}`)).toMatchObject({ kind: "generate" });
  });

  it("a message mentioning the bot with an image (a path-like name with a space) asks at once", async () => {
    const image = png(90);
    const file = w.fake.userFile(w.bruno, "../../etc/passwd .png", image, "image/png");
    const { message } = await w.fake.say(w.bruno, w.general, `<@${w.fake.botUserId}> gira despacio`, { files: [file] });
    const job = await queuedJob(`msg-${w.general.id}-${message.ts}`);
    expect(job).toMatchObject({ kind: "animate", prompt: "gira despacio", origin: { userId: w.bruno.id, locale: "es" } });
    // The name is data: the stored frame is named by the store, never by the file.
    expect(String(job.imageRef)).not.toMatch(/passwd|\.\./);
    expect(await w.store.readBlob(job.imageRef as string)).toEqual(image);
  });

  it("hostile files are answered in the sharer's language and queue nothing", async () => {
    const big = () => Buffer.concat([png(1), Buffer.alloc(MAX_IMAGE_BYTES)]);
    const cases: { user: FakeUser; file: () => FakeFile; answer: string }[] = [
      // Declared too large: refused before anything is fetched.
      { user: w.bruno, answer: t("es", "errors.imageTooLarge", { max: "1 MiB" }), file: () => w.fake.userFile(w.bruno, "big.png", big(), "image/png") },
      // Lies about its size: cut off while streaming.
      { user: w.alice, answer: t("en", "errors.imageTooLarge", { max: "1 MiB" }), file: () => Object.assign(w.fake.userFile(w.alice, "small.png", big(), "image/png"), { size: 10 }) },
      // Says PNG, is text.
      { user: w.alice, answer: t("en", "errors.notImage"), file: () => w.fake.userFile(w.alice, "photo.png", Buffer.from("<html>not a picture</html>"), "image/png") },
    ];
    for (const c of cases) {
      await share(c.user, [c.file()]);
      const seen = w.fake.ephemeralsFor(c.user).length;
      const sora = w.fake.slash(c.user, w.general, "bring it to life");
      await sora;
      expect(await ephemeral(c.user, seen)).toBe(c.answer);
      expect((await w.producer.status(jobIdForEvent("slack", `cmd-${sora.triggerId}`))).state, "nothing queued").toBe("unknown");
    }
    // A mention with a file that is no image is refused by name, not ignored.
    const seen = w.fake.ephemeralsFor(w.alice).length;
    const { message } = await w.fake.say(w.alice, w.general, `<@${w.fake.botUserId}> animate this`, { files: [w.fake.userFile(w.alice, "notes.pdf", Buffer.from("%PDF-1.4"), "application/pdf")] });
    expect(await ephemeral(w.alice, seen)).toBe(t("en", "errors.notImage"));
    expect((await w.producer.status(jobIdForEvent("slack", `msg-${w.general.id}-${message.ts}`))).state).toBe("unknown");
  });
});
