// Vote counting in the challenge kernel, on real Redis: one vote per person per entry, a second press takes it back,
// no vote for one's own entry, a retried press (same event) counts once, a removed entry loses its votes, votes close
// at the deadline and are rate-limited per person. The entry's message shows the live count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleButton } from "../../../commands/index.ts";
import { encodeButtonId } from "../../../commands/buttons.ts";
import { t } from "../../../commands/i18n.ts";
import { ChallengeWorld } from "./world.ts";

const w = new ChallengeWorld();
const k = w.kernel(false);

afterAll(() => w.close());

describe("challenge votes", () => {
  let alice: string, bob: string;
  beforeAll(async () => {
    await k.start(w.place, { theme: "cats in space", durationMs: 3_600_000, entriesPerUser: 3, by: { userId: "mod" }, locale: "en", eventId: "start-votes" });
    const c = (await k.running(w.place))!;
    alice = (await k.enterClip(c, await w.clip("alice"), { userId: "alice", name: "alice" })).clipId;
    bob = (await k.enterClip(c, await w.clip("bob", "a blue cube"), { userId: "bob", name: "bob" })).clipId;
  });

  it("counts one vote per person, toggles on a second press, and refuses a self-vote", async () => {
    const voter = (id: string) => ({ platform: "discord" as const, userId: id });
    expect(await k.vote(alice, voter("carol"), "e1")).toMatchObject({ result: "added", votes: 1 });
    expect(await k.vote(alice, voter("bob"), "e2")).toMatchObject({ result: "added", votes: 2 });
    expect(await k.vote(alice, voter("carol"), "e3")).toMatchObject({ result: "removed", votes: 1 });
    expect(await k.vote(alice, voter("alice"), "e4")).toMatchObject({ result: "self", votes: 1 });
    // A retried press (the same event) changes nothing and answers the same.
    expect(await k.vote(alice, voter("bob"), "e2")).toMatchObject({ result: "added", votes: 1 });
    // Another platform's person with the same id is someone else, and cannot vote here.
    expect(await k.vote(alice, { platform: "slack", userId: "carol" }, "e5")).toMatchObject({ result: "gone" });
    expect((await k.standings((await k.running(w.place))!.id)).map((e) => [e.userId, e.votes])).toEqual([["alice", 1], ["bob", 0]]);
    const message = w.port.posts.find((p) => p.clipId === alice)!;
    expect(message.buttons[0], "the vote button shows the live count").toBe(t("en", "challenge.buttons.vote", { count: 1 }));
  });

  it("answers a vote button press in the voter's language, refusals ephemeral", async () => {
    const ctx = w.ctx(k, "alice", { locale: "ja" });
    await handleButton(ctx, encodeButtonId("vote", alice));
    expect(ctx.replies).toEqual([expect.objectContaining({ key: "challenge.errors.selfVote", ephemeral: true, text: t("ja", "challenge.errors.selfVote") })]);
    const dave = w.ctx(k, "dave", { locale: "fr" });
    await handleButton(dave, encodeButtonId("vote", bob));
    expect(dave.replies[0]).toMatchObject({ key: "challenge.vote.added", text: t("fr", "challenge.vote.added", { count: 1 }) });
  });

  it("a removed entry loses its votes, is out of the standings and takes no more votes", async () => {
    const member = w.ctx(k, "dave");
    await handleButton(member, encodeButtonId("removeEntry", bob));
    expect(member.replies[0]?.key, "only organizers remove entries").toBe("challenge.errors.notOrganizer");
    const mod = w.ctx(k, "mod", { organizer: true });
    await handleButton(mod, encodeButtonId("removeEntry", bob));
    expect(mod.replies[0]?.key).toBe("challenge.removed");
    const c = (await k.running(w.place))!;
    expect((await k.standings(c.id)).map((e) => e.userId)).toEqual(["alice"]);
    expect(await k.vote(bob, { platform: "discord", userId: "erin" }, "e6")).toMatchObject({ result: "gone" });
    expect(w.port.posts.find((p) => p.clipId === bob)!.text).toContain(t("en", "challenge.entry.removed"));
  });

  it("an entry whose clip was deleted is gone: no votes, not in the standings", async () => {
    const c = (await k.running(w.place))!;
    const dora = (await k.enterClip(c, await w.clip("dora"), { userId: "dora" })).clipId;
    expect(await k.vote(dora, { platform: "discord", userId: "carol" }, "d1")).toMatchObject({ result: "added", votes: 1 });
    await w.store.deleteClip(dora, { platform: "discord", userId: "dora", manager: false });
    expect(await k.vote(dora, { platform: "discord", userId: "erin" }, "d2")).toMatchObject({ result: "gone" });
    expect((await k.standings(c.id)).map((e) => e.clipId)).not.toContain(dora);
    expect(w.port.posts.find((p) => p.clipId === dora)!.text).toContain(t("en", "challenge.entry.removed"));
  });

  it("rate-limits one person's presses", async () => {
    process.env.SORA_CHALLENGE_VOTES_PER_MINUTE = "3";
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push((await k.vote(alice, { platform: "discord", userId: "frank" }, `rate-${i}`)).result);
      expect(results.slice(3)).toEqual(["rate", "rate"]);
    } finally {
      delete process.env.SORA_CHALLENGE_VOTES_PER_MINUTE;
    }
  });

  it("closes voting and entries at the deadline", async () => {
    const c = (await k.running(w.place))!;
    await k.state.close(c.id);
    expect(await k.vote(alice, { platform: "discord", userId: "gina" }, "late")).toMatchObject({ result: "closed" });
    await expect(k.enterClip(c, await w.clip("gina"), { userId: "gina" })).rejects.toMatchObject({ key: "challenge.errors.closed" });
  });
});
