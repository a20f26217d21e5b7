// The highlight reel is posted once across crashes, with the real queue (Producer on BullMQ, a stub worker storing
// each job's clip), the real Delivery and DeliveryBook of each simulated bot process, and recording platform ports.
// The kernel records that the reel is meant before queueing its stitch job (the challenge's own event id: the same job
// on every attempt) and opens its delivery once for good (the challenge's reel field, set with the delivery's record).
// A process that stops between queueing the job and opening the delivery leaves the job made and unposted: the
// restarted bot (its start-up, and the retried deadline job) opens it then, once. One that stops after opening it, before
// the progress message, leaves a delivery the next process takes over; the retried deadline job opens no second one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../../commands/i18n.ts";
import { jobIdForEvent } from "../../../engine/queue/keys.ts";
import type { Producer } from "../../../engine/queue/producer.ts";
import type { Challenge } from "../../../commands/challenge-service.ts";
import type { ChallengeKernel } from "../../../bot/core/challenges/service.ts";
import { ChallengeWorld, type ReelPlace } from "./world.ts";

const w = new ChallengeWorld({ engine: true });
beforeAll(() => w.ready());
afterAll(() => w.close());

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spec = (eventId: string, theme: string) => ({ theme, durationMs: 60_000, entriesPerUser: 2, by: { userId: "mod" }, locale: "en", eventId });
const reelJob = (c: Challenge) => jobIdForEvent("discord", `challenge-${c.id}-reel`);
const resultsOf = (theme: string) => w.port.posts.filter((p) => p.text.startsWith(t("en", "challenge.results.title", { theme })));
const deliveryOf = (jobId: string) => w.redis.get(`${w.prefix}:delivery:job:${jobId}`);
const meant = (c: Challenge) => w.redis.zscore(`${w.prefix}:challenges:reels:discord`, c.id);

/** A challenge with two entries (bob's ahead), its voting closed: the next step is the end, results and reel. */
async function closedChallenge(k: ChallengeKernel<ReelPlace>, channelId: string, theme: string): Promise<Challenge> {
  const c = await k.start({ ...w.place, channelId }, spec(`ev-${channelId}`, theme));
  const a = await k.enterClip(c, await w.clip("alice"), { userId: "alice" });
  const b = await k.enterClip(c, await w.clip("bob"), { userId: "bob" });
  await k.vote(b.clipId, { platform: "discord", userId: "alice" }, `${channelId}-v1`);
  expect(a.clipId).not.toBe(b.clipId);
  await k.state.close(c.id);
  return c;
}

describe("the highlight reel across crashes", () => {
  it("stopped between queueing the reel and opening its delivery: the restarted bot posts it, once", async () => {
    // The first process stops right after queueing the job: opening the delivery never comes back.
    const crashed = w.process({ run: false, delivery: () => ({ openOnce: () => new Promise(() => undefined) }) });
    const c = await closedChallenge(crashed.kernel, "chan-reel-queued", "queued reel");
    const jobId = reelJob(c);
    void crashed.kernel.finish(c.id);
    const producer = w.producer as Producer;
    await w.waitFor(async () => (await producer.queue.getJob(jobId)) !== undefined, "the reel's stitch job");
    await w.stop(crashed);
    expect(resultsOf("queued reel"), "the results went out before").toHaveLength(1);
    expect(await meant(c), "the reel was meant before its job was queued").not.toBeNull();

    // The reel is made, and nobody posts it.
    await w.waitFor(async () => (await producer.status(jobId)).state === "completed", "the reel made");
    expect(await deliveryOf(jobId), "no delivery was opened").toBeNull();
    expect(w.chat.messages.filter((m) => m.jobId === jobId)).toHaveLength(0);

    // The restarted bot: its start-up finishes the reel it finds meant, and its deadline job runs again (BullMQ's
    // retry of the stalled job), while a second process runs the same retry: one delivery among them.
    const restarted = w.process({ adoptEveryMs: 200 });
    const other = w.process({ run: false, adoptEveryMs: 200 });
    await Promise.all([restarted.kernel.reeling, restarted.kernel.finish(c.id), other.kernel.finish(c.id)]);
    const clip = await w.waitFor(() => w.chat.of(jobId, "clip")[0], "the reel posted");
    expect(clip.clipId).toBe(`clip_${jobId}`);
    expect((await restarted.kernel.get(c.id))?.reel, "its delivery is recorded as open").toBe(jobId);
    expect(await meant(c), "nothing left for a start-up").toBeNull();

    // Yet another retry and another start-up later: still one progress message and one clip, and the results once.
    await restarted.kernel.finish(c.id);
    const late = w.process({ adoptEveryMs: 200 });
    await late.kernel.reeling;
    await pause(800);
    expect(w.chat.of(jobId, "progress")).toHaveLength(1);
    expect(w.chat.of(jobId, "clip")).toHaveLength(1);
    expect(resultsOf("queued reel")).toHaveLength(1);
    expect(w.logs.some((l) => l.includes(`the reel of ${c.id} (job ${jobId}) was opened by an earlier attempt`))).toBe(true);
  });

  it("stopped after opening the delivery, before its progress message: taken over and posted once, not opened again", async () => {
    const crashed = w.process({ run: false, claimMs: 400 });
    const c = await closedChallenge(crashed.kernel, "chan-reel-opened", "opened reel");
    const jobId = reelJob(c);
    // The process stops while posting the reel's progress message (after its delivery was recorded).
    w.chat.stopAtNextProgress = true;
    void crashed.kernel.finish(c.id);
    await w.waitFor(async () => (await deliveryOf(jobId)) !== null, "the reel's delivery recorded");
    expect((await crashed.kernel.get(c.id))?.reel, "recorded as open with it, in the same step").toBe(jobId);
    await w.stop(crashed);
    expect(w.chat.messages.filter((m) => m.jobId === jobId)).toHaveLength(0);

    // The next process: the retried deadline job opens nothing new; the takeover (once the stopped process's claim
    // has lapsed) posts the progress message and the reel.
    const next = w.process({ adoptEveryMs: 200 });
    await Promise.all([next.kernel.reeling, next.kernel.finish(c.id)]);
    await w.waitFor(() => w.chat.of(jobId, "clip").length === 1, "the reel posted");
    expect(w.logs.some((l) => l.includes(`took over job ${jobId}`)), "by the takeover").toBe(true);
    await next.kernel.finish(c.id);
    await pause(800);
    expect(w.chat.of(jobId, "progress")).toHaveLength(1);
    expect(w.chat.of(jobId, "clip")).toHaveLength(1);
    expect(await deliveryOf(jobId), "the delivery is done").toBeNull();
    expect(resultsOf("opened reel")).toHaveLength(1);
  });

  it("a reel the queue refuses (an entry's clip expired) is given up, and a schedule's next theme still starts", async () => {
    // The store's retention removes an entry's clip after the standings are read, before the reel's job is queued.
    const k = w.process({ run: false, beforeEnqueue: async (job) => void (job.kind === "stitch" && (await w.store.expireClip(job.parts![0]!))) }).kernel;
    const place = { ...w.place, channelId: "chan-reel-refused" };
    const c = await k.schedule(place, { themes: ["refused reel", "after the refusal"], everyMs: 60_000, entriesPerUser: 2, by: { userId: "mod" }, locale: "en", eventId: "ev-reel-refused" });
    await k.enterClip(c, await w.clip("alice"), { userId: "alice" });
    await k.enterClip(c, await w.clip("bob"), { userId: "bob" });
    await k.state.close(c.id);

    await k.finish(c.id);
    expect(resultsOf("refused reel")).toHaveLength(1);
    expect(w.logs.some((l) => l.includes(`the reel of ${c.id} is refused by the queue`))).toBe(true);
    // The results promised a reel: the channel is told, once, that none follows (another retry posts nothing more).
    const notice = () => w.port.posts.filter((p) => p.text === t("en", "challenge.results.noReel"));
    expect(notice()).toHaveLength(1);
    await k.finish(c.id);
    expect(notice()).toHaveLength(1);
    expect(await (w.producer as Producer).queue.getJob(reelJob(c)), "no reel job").toBeUndefined();
    expect(await meant(c), "nothing left for a start-up").toBeNull();
    expect((await k.running(place))?.theme, "the schedule went on").toBe("after the refusal");
  });
});
