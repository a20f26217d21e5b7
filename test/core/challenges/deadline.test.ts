// The deadline is a delayed BullMQ job: it ends the challenge in whichever bot process runs then (the one that
// started it may be gone), posts the results once with the right winner, queues the highlight reel (a normal stitch
// job of the top three, in rank order) once, and starts a schedule's next theme.
import { afterAll, describe, expect, it } from "vitest";
import { t } from "../../../commands/i18n.ts";
import { ChallengeWorld } from "./world.ts";

const w = new ChallengeWorld();
afterAll(() => w.close());

describe("challenge deadlines", () => {
  it("survive the process that set them: another one ends the challenge, once, with the right winner and reel", async () => {
    const first = w.kernel(false);
    const c = await first.start(w.place, { theme: "night sky", durationMs: 1500, entriesPerUser: 2, by: { userId: "mod" }, locale: "en", eventId: "ev-deadline" });
    const job = await first.queue.queue.getJob(`end-${c.id}`);
    expect(await job!.isDelayed(), "the deadline waits in BullMQ").toBe(true);
    expect(job!.opts.delay).toBeGreaterThan(1000);
    // A retried start (the same event) finds the same challenge and schedules nothing new.
    expect((await first.start(w.place, { theme: "night sky", durationMs: 1500, entriesPerUser: 2, by: { userId: "mod" }, locale: "en", eventId: "ev-deadline" })).id).toBe(c.id);
    expect(w.port.posts.filter((p) => p.text.includes("night sky"))).toHaveLength(1);
    const a = await first.enterClip(c, await w.clip("alice"), { userId: "alice" });
    const b = await first.enterClip(c, await w.clip("bob"), { userId: "bob" });
    const d = await first.enterClip(c, await w.clip("dora"), { userId: "dora" });
    await first.vote(b.clipId, { platform: "discord", userId: "alice" }, "v1");
    await first.vote(b.clipId, { platform: "discord", userId: "carol" }, "v2");
    await first.vote(d.clipId, { platform: "discord", userId: "carol" }, "v3");
    await first.close();

    // Two processes come up after the deadline: the results are posted by one of them, once.
    w.kernel();
    w.kernel();
    const results = await w.waitFor(() => w.port.posts.find((p) => p.text.startsWith(t("en", "challenge.results.title", { theme: "night sky" }))), "the results");
    expect(results.text).toContain(t("en", "challenge.results.winner", { author: "<@bob>" }));
    const reel = await w.waitFor(() => w.queue.entries.find((e) => e.job.kind === "stitch"), "the reel job");
    expect(reel.job.parts, "the top three in rank order").toEqual([b.clipId, d.clipId, a.clipId]);
    expect(reel.job.origin).toMatchObject({ platform: "discord", userId: "mod", serverId: "guild-1", place: { channelId: "chan-1" } });
    // Its delivery: the progress message in the channel, once.
    await w.waitFor(() => w.chat.of(reel.jobId, "progress").length === 1, "the reel's progress message");
    expect((await w.kernel(false).get(c.id))?.status).toBe("ended");
    // Running the end again (a retried job) posts nothing new.
    await w.kernel(false).finish(c.id);
    expect(w.port.posts.filter((p) => p.text.includes(t("en", "challenge.results.title", { theme: "night sky" })))).toHaveLength(1);
    expect(w.queue.entries.filter((e) => e.job.kind === "stitch")).toHaveLength(1);
    expect(w.chat.of(reel.jobId, "progress")).toHaveLength(1);
    expect(await w.kernel(false).running(w.place), "the channel is free").toBeUndefined();
  });

  it("runs a schedule's themes back to back, and cancel stops it without results", async () => {
    const k = w.kernel();
    const place = { ...w.place, channelId: "chan-sched" };
    const c = await k.schedule(place, { themes: ["one", "two", "three"], everyMs: 2000, entriesPerUser: 1, by: { userId: "mod" }, locale: "de", eventId: "ev-sched" });
    expect(c.theme).toBe("one");
    const second = await w.waitFor(async () => {
      const r = await k.running(place);
      return r && r.theme === "two" ? r : undefined;
    }, "the second theme");
    expect(w.port.posts.some((p) => p.text === t("de", "challenge.results.title", { theme: "one" }) + "\n" + t("de", "challenge.results.none"))).toBe(true);
    await k.cancel(second);
    expect(w.port.posts.at(-1)!.text).toBe(t("de", "challenge.cancelled", { theme: "two" }));
    expect(await k.running(place)).toBeUndefined();
    expect(await k.state.schedule(place), "the rest of the schedule is dropped").toBeUndefined();
  });
});
