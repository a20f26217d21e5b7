// A schedule's themes across crashes (real Redis, the real challenge queue on BullMQ): taking the next theme off the
// schedule and recording its challenge are one step, under an id derived from the ending challenge's. A stop before
// that step (here: the platform not answering whether the bot may post, asked first) takes nothing, and the retried
// deadline job starts the theme; a stop after it leaves the challenge recorded, and the retry announces that one
// instead of taking another theme. Nothing is lost, nothing taken twice.
import { afterAll, describe, expect, it } from "vitest";
import { t } from "../../../commands/i18n.ts";
import type { ChallengePlace } from "../../../commands/challenge-service.ts";
import { challengeIdFor } from "../../../bot/core/challenges/store.ts";
import { ChallengeWorld } from "./world.ts";

const w = new ChallengeWorld();
afterAll(() => w.close());

const spec = (eventId: string, themes: string[]) => ({ themes, everyMs: 60_000, entriesPerUser: 1, by: { userId: "mod" }, locale: "en", eventId });
const announced = (theme: string) => w.port.posts.filter((p) => p.text.startsWith(t("en", "challenge.announce.title", { theme })));
const themesLeft = async (place: ChallengePlace) => (await w.kernel(false).state.schedule(place))?.themes;

describe("a schedule across crashes", () => {
  it("a retried /challenge schedule finds the schedule it started; the rest was recorded with the first theme", async () => {
    const k = w.kernel(false);
    const place = { ...w.place, channelId: "chan-sched-retry" };
    const c = await k.schedule(place, spec("ev-sched-retry", ["alpha", "beta"]));
    expect((await k.schedule(place, spec("ev-sched-retry", ["alpha", "beta"]))).id, "the same challenge").toBe(c.id);
    expect(await themesLeft(place)).toEqual(["beta"]);
    expect(announced("alpha")).toHaveLength(1);
    await expect(k.schedule(place, spec("ev-sched-other", ["gamma"]))).rejects.toMatchObject({ key: "challenge.errors.alreadyRunning" });
  });

  it("a stop before the next theme is taken loses it not: the retried end starts it", async () => {
    const k = w.kernel(false);
    const place = { ...w.place, channelId: "chan-sched-before" };
    const first = await k.schedule(place, spec("ev-sched-before", ["one", "two", "three"]));
    await k.state.close(first.id);
    // The end's first attempt stops when the platform does not answer (before anything is taken).
    w.port.canPostFails = 1;
    await expect(k.finish(first.id), "the job fails: BullMQ retries it").rejects.toThrow(/did not answer/);
    expect(await themesLeft(place), "no theme taken").toEqual(["two", "three"]);
    expect(await k.running(place)).toBeUndefined();

    await w.kernel(false).finish(first.id);
    const second = await k.running(place);
    expect(second?.theme).toBe("two");
    expect(second?.id).toBe(challengeIdFor("discord", `${first.id}-next`));
    expect(await themesLeft(place)).toEqual(["three"]);
    expect(await k.queue.queue.getJob(`end-${second!.id}`), "its deadline is set").toBeDefined();
    expect(announced("two")).toHaveLength(1);
  });

  it("a stop right after the next theme is recorded: the retry announces that one and takes no other", async () => {
    const k = w.kernel(false);
    const place = { ...w.place, channelId: "chan-sched-after" };
    const first = await k.schedule(place, spec("ev-sched-after", ["red", "green", "blue"]));
    await k.state.close(first.id);
    // The first attempt got as far as the step that takes the theme and records its challenge, then its process stopped
    // (before the next challenge's deadline and announcement).
    const results = w.port.posts.length;
    await k.state.stop(first, "ended");
    const nextId = challengeIdFor("discord", `${first.id}-next`);
    expect(await k.state.startNext(place, nextId)).toBe("new");
    expect(await k.state.startNext(place, nextId), "the same step again takes nothing").toBe("same");
    expect(await themesLeft(place)).toEqual(["blue"]);

    // Two processes run the retried deadline job at once (one may find the results being posted by the other, and
    // fail for BullMQ to retry it: PostInProgress), then the retry.
    await Promise.allSettled([w.kernel(false).finish(first.id), w.kernel(false).finish(first.id)]);
    await w.kernel(false).finish(first.id);
    expect(w.port.posts.length).toBeGreaterThan(results);
    const second = await k.running(place);
    expect(second?.id).toBe(nextId);
    expect(second?.theme).toBe("green");
    expect(await themesLeft(place), "blue is still next").toEqual(["blue"]);
    expect(announced("green"), "announced once").toHaveLength(1);
    expect(await k.queue.queue.getJob(`end-${nextId}`)).toBeDefined();

    // The green one ends: blue follows, and the schedule is used up.
    await k.state.close(nextId);
    await k.finish(nextId);
    expect((await k.running(place))?.theme).toBe("blue");
    expect(await themesLeft(place)).toBeUndefined();
    await k.finish(nextId);
    expect(announced("blue")).toHaveLength(1);
  });

  it("a process stopped mid-end is finished by the deadline job on the real queue, the theme not lost", async () => {
    const k = w.kernel(false);
    const place = { ...w.place, channelId: "chan-sched-queue" };
    const first = await k.schedule(place, spec("ev-sched-queue", ["sun", "moon"]));
    await k.state.close(first.id);
    w.port.canPostFails = 1;
    // The deadline job runs in a process whose first attempt fails; BullMQ's retry (2 s later) starts the next theme.
    w.kernel();
    await k.queue.endNow(first.id);
    const second = await w.waitFor(async () => {
      const r = await k.running(place);
      return r?.theme === "moon" ? r : undefined;
    }, "the next theme");
    expect(w.logs.some((l) => l.includes(`end-${first.id} failed: test: the platform did not answer`))).toBe(true);
    expect(await themesLeft(place)).toBeUndefined();
    expect(announced("moon")).toHaveLength(1);
    expect(second.id).toBe(challengeIdFor("discord", `${first.id}-next`));
  });
});
