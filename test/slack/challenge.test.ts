// A prompt challenge end to end on the fake Slack: the real Bolt app over Socket Mode, the real queue, the real engine
// worker (clips and the reel) and the challenge queue on Redis. An admin starts a 1-minute challenge with /challenge
// (SORA_CHALLENGE_MIN_SECONDS allows it), two people enter (one by /challenge submit, one with "Submit to challenge"
// under their clip), votes include a refused self-vote and a toggle, the bot restarts in the middle, and the deadline
// ends it by itself: results with the right winner, once, and a reel MP4 in the channel. Then: a challenge in another
// channel (channel: <#C…|name>, as Slack escapes it), with hostile channel values refused; a member of the organizer
// user group (SLACK_CHALLENGE_GROUP) removes an entry; results whose post's answer was lost are posted once; and
// `/sora history` lists one's clips with permalinks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { t } from "../../commands/i18n.ts";
import { CHALLENGE_COMMAND } from "../../bot/slack/challenge-command.ts";
import { World, TEST_PACK } from "./harness.ts";
import type { FakeMessage } from "./fake/state.ts";
import { cleanup, testPrefix } from "../queue/helpers.ts";

const CHEAP = "--steps 2 --seconds 0.5";
const redis = connectRedis();
const prefix = testPrefix("slack-challenge");
let w: World;

beforeAll(async () => {
  if (!TEST_PACK.dir) return;
  process.env.SORA_CHALLENGE_MIN_SECONDS = "5";
  w = await World.start({ worker: true, adapter: { progressIntervalMs: 100, challenges: { redis, prefix } } });
});

afterAll(async () => {
  delete process.env.SORA_CHALLENGE_MIN_SECONDS;
  await w?.close();
  await cleanup(redis, prefix);
  await redis.quit();
});

type Person = { id: string };
/** The next ephemeral answer `user` gets after running `act`. */
async function answer(user: Person, act: () => Promise<unknown>): Promise<string> {
  const seen = w.fake.ephemeralsFor(user as never).length;
  await act();
  return (await w.fake.waitFor(() => w.fake.ephemeralsFor(user as never)[seen], 30_000, "an ephemeral answer")).text;
}
const challenge = (user: Person, text: string) => answer(user, () => w.fake.slash(user as never, w.general, text, CHALLENGE_COMMAND));
const top = (channel = w.general) => w.fake.state.messages.filter((m) => m.channel === channel.id && !m.thread_ts && m.bot_id && !m.deleted);
const voteId = (m: FakeMessage) => w.fake.buttons(m).find((b) => b.action_id.startsWith("sora:vote:"))!;
const current = (m: FakeMessage) => w.fake.state.messages.find((x) => x.ts === m.ts && x.channel === m.channel)!;

describe.skipIf(!TEST_PACK.dir)("slack prompt challenge", () => {
  it("start → two entries → votes → restart → automatic end with the winner and a reel", async () => {
    expect(await challenge(w.alice, "start theme: red things duration: 1m")).toBe(t("en", "challenge.errors.notOrganizer"));
    // As Slack sends what people type: &, < and > escaped (only its own markup, like <#C…|name>, is not).
    expect(await challenge(w.ada, "start theme: red &lt;things&gt; &amp; co duration: 1m entries-per-user: 2"))
      .toBe(t("en", "challenge.started", { theme: "red <things> & co", duration: { seconds: 60 } }));
    const announcement = await w.fake.waitFor(() => top().find((m) => m.text.includes("red &lt;things&gt; &amp; co")), 30_000, "the announcement");
    expect(announcement.text, "the deadline in Slack's date format").toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);

    expect(await challenge(w.alice, `submit a red ball bouncing ${CHEAP} --seed 3`)).toBe(t("en", "challenge.submitted", { theme: "red <things> & co" }));
    await w.fake.slash(w.bruno, w.general, `a red star ${CHEAP} --seed 4`);
    const brunoClip = await w.fake.waitFor(() => w.fake.state.messages.find((m) => m.thread_ts && m.bot_id
      && w.fake.buttons(m).some((b) => b.action_id.startsWith("sora:enterChallenge:"))), 120_000, "bruno's clip with Submit to challenge");
    const enter = w.fake.buttons(brunoClip).find((b) => b.action_id.startsWith("sora:enterChallenge:"))!.action_id;
    // `/sora history`: his clip, with its permalink (recorded right after the post).
    for (let n = 0; n < 200 && !(await w.deliveries.posted.recent("slack", w.bruno.id, 1)).length; n++) await new Promise((r) => setTimeout(r, 25));
    const history = await answer(w.bruno, () => w.fake.slash(w.bruno, w.general, "history"));
    expect(history.split("\n")[0]).toBe(t("es", "history.title"));
    expect(history).toContain("«a red star»");
    expect(history).toContain(`${w.fake.base}/archives/${w.general.id}/p${brunoClip.ts.replace(".", "")}`);
    expect(await answer(w.mallory, () => w.fake.click(w.mallory, brunoClip, enter))).toBe(t("en", "challenge.errors.notYours"));
    expect(await answer(w.bruno, () => w.fake.click(w.bruno, brunoClip, enter))).toBe(t("es", "challenge.entered", { theme: "red <things> & co" }));

    const entryOf = (u: Person) => w.fake.waitFor(() => top().find((m) => m.text.includes(`<@${u.id}>`) && w.fake.buttons(m).length), 120_000, `the entry of ${u.id}`);
    const [aliceEntry, brunoEntry] = [await entryOf(w.alice), await entryOf(w.bruno)];
    await w.fake.waitFor(() => w.fake.threadOf(w.general, aliceEntry.ts).some((m) => m.files?.length), 30_000, "the entry's clip in its thread");
    const press = (who: Person, m: FakeMessage) => answer(who, () => w.fake.click(who as never, current(m), voteId(current(m)).action_id));
    expect(await press(w.ada, aliceEntry)).toBe(t("en", "challenge.vote.added", { count: 1 }));
    expect(await press(w.bruno, aliceEntry)).toBe(t("es", "challenge.vote.added", { count: 2 }));
    expect(await press(w.alice, aliceEntry)).toBe(t("en", "challenge.errors.selfVote"));
    expect(await press(w.alice, brunoEntry)).toBe(t("en", "challenge.vote.added", { count: 1 }));
    expect(await press(w.alice, brunoEntry), "a second press takes the vote back").toBe(t("en", "challenge.vote.removed", { count: 0 }));
    await w.fake.waitFor(() => JSON.stringify(voteId(current(aliceEntry)).text).includes("👍 2"), 10_000, "the live count");

    // A clean restart before the deadline: the deadline job waits in Redis and the new process ends the challenge.
    await w.adapter!.close();
    await w.fake.waitFor(() => w.fake.socket.connected === 0, 10_000, "the old connection closed");
    await w.startAdapter();
    const title = t("en", "challenge.results.title", { theme: "red &lt;things&gt; &amp; co" });
    const results = await w.fake.waitFor(() => top().find((m) => m.text.startsWith(title)), 120_000, "the results");
    expect(results.text).toContain(t("en", "challenge.results.winner", { author: `<@${w.alice.id}>` }));
    const reel = await w.fake.waitFor(() => w.fake.state.messages.find((m) => m.thread_ts && m.files?.some((f) => f.name.endsWith(".mp4"))
      && w.fake.state.messages.some((c) => c.thread_ts === m.thread_ts && c.text.startsWith(t("en", "clip.kind.stitch")))), 120_000, "the reel");
    const caption = w.fake.state.messages.find((c) => c.thread_ts === reel.thread_ts && c.text.startsWith(t("en", "clip.kind.stitch")))!;
    const clip = await w.clipOf(caption);
    expect(clip.kind).toBe("stitch");
    expect((clip.params as { parts?: string[] }).parts).toHaveLength(2);
    expect(top().filter((m) => m.text.startsWith(title)), "posted once").toHaveLength(1);
    expect(await press(w.ada, brunoEntry)).toBe(t("en", "challenge.errors.votingClosed"));
  });

  it("channel: runs it where named; the organizer group removes entries; a lost answer still posts the results once", async () => {
    const group = w.fake.addUserGroup([w.bruno]);
    await w.adapter!.close();
    await w.fake.waitFor(() => w.fake.socket.connected === 0, 10_000, "the old connection closed");
    await w.startAdapter({ challengeGroup: group });
    const contest = w.fake.addChannel("contest", { botMember: true });
    const secret = w.fake.addChannel("secret", { private: true });
    const old = w.fake.addChannel("old", { archived: true, botMember: true });
    const mention = (c: { id: string; name: string }) => `<#${c.id}|${c.name}>`;
    const start = (who: Person, channel: string) => challenge(who, `start theme: green things duration: 2h channel: ${channel}`);

    expect(await start(w.alice, mention(contest))).toBe(t("en", "challenge.errors.notOrganizer"));
    expect(await start(w.ada, mention(secret)), "a private channel the bot is not in").toBe(t("en", "challenge.errors.cannotPost"));
    expect(await start(w.ada, mention(old)), "an archived channel").toBe(t("en", "challenge.errors.cannotPost"));
    expect(await start(w.ada, contest.id), "an id is not a mention").toBe(t("en", "challenge.errors.badChannel", { value: contest.id }));
    expect(await start(w.ada, "../../etc/passwd")).toBe(t("en", "challenge.errors.badChannel", { value: "../../etc/passwd" }));
    expect(await start(w.ada, "<https://evil.example/x>"), "a link, as Slack escapes it").toBe(t("en", "challenge.errors.badChannel", { value: "https://evil.example/x" }));
    expect(top(secret).length + top(old).length).toBe(0);

    expect(await start(w.ada, mention(contest))).toBe(t("en", "challenge.startedIn", { theme: "green things", duration: { seconds: 7200 }, channel: `<#${contest.id}>` }));
    const title = t("en", "challenge.announce.title", { theme: "green things" });
    await w.fake.waitFor(() => top(contest).find((m) => m.text.startsWith(title)), 10_000, "the announcement in #contest");
    expect(top().some((m) => m.text.startsWith(title)), "nothing in #general").toBe(false);
    expect(await start(w.ada, mention(contest)), "one challenge per channel").toBe(t("en", "challenge.errors.alreadyRunning"));

    // Alice enters from #contest; the entry is posted there. Bruno is no admin, but in the organizer group: like
    // /challenge start and end, its Remove is his to press, and not Mallory's.
    expect(await answer(w.alice, () => w.fake.slash(w.alice, contest, `submit a green ball ${CHEAP} --seed 5`, CHALLENGE_COMMAND)))
      .toBe(t("en", "challenge.submitted", { theme: "green things" }));
    const entry = await w.fake.waitFor(() => top(contest).find((m) => m.text.includes(`<@${w.alice.id}>`) && w.fake.buttons(m).length), 120_000, "the entry in #contest");
    const remove = w.fake.buttons(entry).find((b) => b.action_id.startsWith("sora:removeEntry:"))!.action_id;
    expect(await answer(w.mallory, () => w.fake.click(w.mallory, entry, remove))).toBe(t("en", "challenge.errors.notOrganizer"));
    expect(await answer(w.bruno, () => w.fake.click(w.bruno, entry, remove))).toBe(t("es", "challenge.removed"));
    await w.fake.waitFor(() => current(entry).text.includes(t("en", "challenge.entry.removed")), 10_000, "the entry marked removed");

    // Ended from #general. The results are posted, but the answer says it failed (fatal_error): the deadline job
    // fails, BullMQ runs it again, and it finds the post in #contest's history instead of posting a second one.
    w.fake.loseAnswer("chat.postMessage");
    expect(await challenge(w.ada, `end ${mention(contest)}`)).toBe(t("en", "challenge.ending", { theme: "green things" }));
    await w.fake.waitFor(() => w.logs.some((l) => l.includes("results was posted by an earlier attempt")), 60_000, "the retried job finding the results");
    const resultsTitle = t("en", "challenge.results.title", { theme: "green things" });
    expect(top(contest).filter((m) => m.text.startsWith(resultsTitle)), "posted once, in #contest").toHaveLength(1);
    expect(top(contest).find((m) => m.text.startsWith(resultsTitle))!.text, "the removed entry is out").toContain(t("en", "challenge.results.none"));
    expect(await challenge(w.ada, `cancel ${mention(contest)}`)).toBe(t("en", "challenge.errors.noneRunning"));
  });
});
