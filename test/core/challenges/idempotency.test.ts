// Each challenge post goes out once, across crashes. The kernel records a post's intent (a claim, with a short lease
// while an attempt is under way) before sending it; an attempt that stopped between the platform's answer and
// recording the message (its process crashed, or the answer was lost on the way) leaves the claim, and the next
// attempt looks for that post among the bot's messages (the port's find) and records it (an entry is edited to its
// count now) instead of posting it again. Also: a channel that refuses posts undoes the start.
import { afterAll, describe, expect, it } from "vitest";
import { t } from "../../../commands/i18n.ts";
import { UserError } from "../../../commands/errors.ts";
import { PostInProgress } from "../../../bot/core/challenges/service.ts";
import { challengeIdFor } from "../../../bot/core/challenges/store.ts";
import { ChallengeWorld } from "./world.ts";

const w = new ChallengeWorld();
afterAll(() => w.close());
/** A short lease, so a test can wait one out. */
const LEASE_MS = 300;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spec = (eventId: string, theme: string) => ({ theme, durationMs: 60_000, entriesPerUser: 2, by: { userId: "mod" }, locale: "en", eventId });
const resultsOf = (theme: string) => w.port.posts.filter((p) => p.text.startsWith(t("en", "challenge.results.title", { theme })));

describe("posting once across crashes", () => {
  it("results: the answer was lost after the post went out; the retried deadline job records that post", async () => {
    const k = w.kernel(false, { postLeaseMs: LEASE_MS });
    const place = { ...w.place, channelId: "chan-lost" };
    const c = await k.start(place, spec("ev-lost", "lost answers"));
    await k.state.close(c.id);
    w.port.afterPost = "lost";
    await expect(k.finish(c.id), "the job fails: BullMQ retries it").rejects.toThrow(/lost/);
    expect(resultsOf("lost answers")).toHaveLength(1);
    expect((await k.get(c.id))?.results, "not recorded").toBeUndefined();

    await k.finish(c.id);
    expect(resultsOf("lost answers"), "the retry found it: posted once").toHaveLength(1);
    expect((await k.get(c.id))?.results).toBe(resultsOf("lost answers")[0]!.id);
    expect(w.logs.some((l) => l.includes("was posted by an earlier attempt"))).toBe(true);
    await k.finish(c.id);
    expect(resultsOf("lost answers")).toHaveLength(1);
  });

  it("results: a process crashed mid-post; another waits out its lease, then finds the post instead of posting again", async () => {
    const crashed = w.kernel(false, { postLeaseMs: LEASE_MS });
    const place = { ...w.place, channelId: "chan-crash" };
    const c = await crashed.start(place, spec("ev-crash", "crashes"));
    await crashed.state.close(c.id);
    w.port.afterPost = "crash";
    void crashed.finish(c.id);
    await w.waitFor(() => resultsOf("crashes").length === 1, "the crashed process's post");

    // The restarted process's deadline job, at once: the claim's lease still runs, so it leaves the post alone and
    // fails (BullMQ retries it) rather than posting a second one.
    const next = w.kernel(false, { postLeaseMs: LEASE_MS });
    await expect(next.finish(c.id)).rejects.toBeInstanceOf(PostInProgress);
    await pause(LEASE_MS + 50);
    await next.finish(c.id);
    expect(resultsOf("crashes")).toHaveLength(1);
    expect((await next.get(c.id))?.results).toBe(resultsOf("crashes")[0]!.id);
  });

  it("entries: a press while the first is posting leaves it; after a crash the entry is found and shows its votes", async () => {
    const crashed = w.kernel(false, { postLeaseMs: LEASE_MS });
    const place = { ...w.place, channelId: "chan-entry" };
    const c = await crashed.start(place, spec("ev-entry", "entries"));
    const clip = await w.clip("alice");
    const entries = () => w.port.posts.filter((p) => p.clipId === clip.id);
    w.port.afterPost = "crash";
    void crashed.enterClip(c, clip, { userId: "alice" });
    await w.waitFor(() => entries().length === 1, "the crashed process's entry");

    const next = w.kernel(false, { postLeaseMs: LEASE_MS });
    // A second press meanwhile: the entry is being posted by another attempt; nothing is posted again.
    await next.enterClip(c, clip, { userId: "alice" });
    expect(entries()).toHaveLength(1);
    // A vote comes in on the message whose id was never recorded.
    expect((await next.vote(clip.id, { platform: "discord", userId: "bob" }, "vote-1")).result).toBe("added");

    await pause(LEASE_MS + 50);
    await next.enterClip(c, clip, { userId: "alice" });
    expect(entries(), "found, not posted again").toHaveLength(1);
    expect((await next.state.entry(c.id, clip.id))?.message).toBe(entries()[0]!.id);
    expect(entries()[0]!.buttons[0], "edited to its count now").toBe(t("en", "challenge.buttons.vote", { count: 1 }));
    await expect(next.enterClip(c, clip, { userId: "alice" })).rejects.toMatchObject({ key: "challenge.errors.alreadyEntered" });
  });

  it("a platform that cannot look back posts an unrecorded post again (at least once, never lost)", async () => {
    const k = w.kernel(false, { postLeaseMs: LEASE_MS });
    const place = { ...w.place, channelId: "chan-blind" };
    const c = await k.start(place, spec("ev-blind", "blind"));
    await k.state.close(c.id);
    w.port.findable = false;
    try {
      w.port.afterPost = "lost";
      await expect(k.finish(c.id)).rejects.toThrow(/lost/);
      await k.finish(c.id);
      expect(resultsOf("blind")).toHaveLength(2);
    } finally {
      w.port.findable = true;
    }
  });
});

describe("a channel that takes no posts", () => {
  it("is refused before anything is recorded when the platform can tell (canPost)", async () => {
    const k = w.kernel(false);
    const place = { ...w.place, channelId: "chan-forbidden" };
    w.port.forbidden.add(place.channelId);
    await expect(k.start(place, spec("ev-forbidden", "nope"))).rejects.toMatchObject({ key: "challenge.errors.cannotPost" });
    await expect(k.schedule(place, { themes: ["a", "b"], everyMs: 60_000, entriesPerUser: 1, by: { userId: "mod" }, locale: "en", eventId: "ev-f2" }))
      .rejects.toBeInstanceOf(UserError);
    expect(await k.running(place)).toBeUndefined();
    expect(await k.state.schedule(place), "no schedule left behind").toBeUndefined();
  });

  it("undoes the start when the announcement is refused: no challenge, no deadline, the channel free", async () => {
    const k = w.kernel(false);
    const place = { ...w.place, channelId: "chan-refusing" };
    w.port.refusing.add(place.channelId);
    const before = w.port.posts.length;
    await expect(k.start(place, spec("ev-refused", "refused"))).rejects.toMatchObject({ key: "challenge.errors.cannotPost" });
    expect(w.port.posts).toHaveLength(before);
    expect(await k.running(place)).toBeUndefined();
    const id = challengeIdFor("discord", "ev-refused");
    expect(await k.get(id)).toBeUndefined();
    expect(await w.redis.zscore(k.state.keys.all, id), "not in the gallery's index").toBeNull();
    expect(await k.queue.queue.getJob(`end-${id}`), "no deadline").toBeUndefined();
    w.port.refusing.delete(place.channelId);
    expect((await k.start(place, spec("ev-refused-2", "now it works"))).theme, "the channel is free").toBe("now it works");
  });
});
