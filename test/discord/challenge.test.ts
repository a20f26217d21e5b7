// A prompt challenge end to end on the fake Discord: the product's adapter on the real discord.js client, the real
// queue, the real engine worker (clips and the reel) and the challenge queue on Redis. /challenge is a command with
// subcommands (start, submit, leaderboard, end, schedule, cancel), sent as Discord sends them: the options nested
// under the subcommand's. A manager starts a 1-minute challenge (SORA_CHALLENGE_MIN_SECONDS allows it), two members
// enter (one with /challenge submit, one with the "Submit to challenge" button under their clip), votes include a
// refused self-vote and a toggle, the bot restarts in the middle, and the deadline ends it by itself: results with
// the right winner, once, and a reel MP4. Then: a challenge in another channel (channel:), with hostile channel
// values refused, and results whose post's answer was lost posted once; /history lists one's clips with links.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { t } from "../../commands/i18n.ts";
import { World, TEST_PACK } from "./harness.ts";
import { PERMISSIONS, type FakeChannel, type FakeInteraction, type FakeMessage, type OptionValue } from "./fake/server.ts";
import { cleanup, testPrefix } from "../queue/helpers.ts";

const CHEAP = "--steps 2 --seconds 0.5";
const redis = connectRedis();
const prefix = testPrefix("discord-challenge");
let w: World;

beforeAll(async () => {
  if (!TEST_PACK.dir) return;
  process.env.SORA_CHALLENGE_MIN_SECONDS = "5";
  w = await World.start({ worker: true, adapter: { deferAfterMs: 0, progressIntervalMs: 100, challenges: { redis, prefix } } });
});

afterAll(async () => {
  delete process.env.SORA_CHALLENGE_MIN_SECONDS;
  await w?.close();
  await cleanup(redis, prefix);
  await redis.quit();
});

const ids = (m: FakeMessage) => (m.components as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components);
const ephemeral = (i: FakeInteraction) => w.fake.waitFor(() => w.fake.answers(i).find((m) => (m.flags & 64) !== 0 && m.content), 30_000, "an ephemeral answer");
const botPosts = (channel: FakeChannel = w.general) => w.fake.channelMessages(channel.id).filter((m) => m.author.id === w.fake.bot.id && !(m.flags & 64));

describe.skipIf(!TEST_PACK.dir)("discord prompt challenge", () => {
  it("start → two entries → votes → restart → automatic end with the winner and a reel", async () => {
    const refused = w.fake.subcommand(w.mallory, w.general.id, "challenge", "start", { theme: "red things", duration: "1m" }, "de");
    expect((await ephemeral(refused)).content).toBe(t("de", "challenge.errors.notOrganizer"));

    const start = w.fake.subcommand(w.alice, w.general.id, "challenge", "start", { theme: "red things", duration: "1m", "entries-per-user": 2 });
    expect((await ephemeral(start)).content).toBe(t("en", "challenge.started", { theme: "red things", duration: { seconds: 60 } }));
    const announcement = await w.fake.waitFor(() => botPosts().find((m) => m.content.startsWith(t("en", "challenge.announce.title", { theme: "red things" }))), 30_000, "the announcement");
    expect(announcement.content, "the deadline as a Discord timestamp").toMatch(/<t:\d+:f> \(<t:\d+:R>\)/);

    // Mallory enters with a prompt; Mona makes a clip with /sora and enters it with the button under it.
    const submit = w.fake.subcommand(w.mallory, w.general.id, "challenge", "submit", { prompt: `a red ball bouncing ${CHEAP} --seed 3` });
    expect((await ephemeral(submit)).content).toBe(t("en", "challenge.submitted", { theme: "red things" }));
    const sora = w.fake.slash(w.mona, w.general.id, "sora", { prompt: `a red star ${CHEAP} --seed 4` });
    const monaClip = await w.fake.waitFor(() => (sora.originalId ? w.fake.channelMessages(sora.originalId) : [])
      .find((m) => m.attachments.some((a) => a.filename.endsWith(".mp4")) && ids(m).some((b) => b.custom_id.startsWith("sora:enterChallenge:"))), 120_000, "mona's clip with Submit to challenge");
    const enterId = ids(monaClip).find((b) => b.custom_id.startsWith("sora:enterChallenge:"))!.custom_id;
    // /history: her clip, with the link to its message (Discord's message URL; recorded right after the post).
    for (let n = 0; n < 200 && !(await w.deliveries.posted.recent("discord", w.mona.id, 1)).length; n++) await new Promise((r) => setTimeout(r, 25));
    const history = (await ephemeral(w.fake.slash(w.mona, w.general.id, "history"))).content;
    expect(history.split("\n")[0]).toBe(t("en", "history.title"));
    expect(history).toContain("“a red star”");
    expect(history).toContain(`https://discord.com/channels/${w.guild.id}/${monaClip.channel_id}/${monaClip.id}`);
    expect((await ephemeral(w.fake.slash(w.alice, w.general.id, "history"))).content, "alice made none yet")
      .toBe(`${t("en", "history.title")}\n${t("en", "history.empty")}`);
    const notHers = w.fake.pressButton(w.mallory, monaClip.id, enterId);
    expect((await ephemeral(notHers)).content).toBe(t("en", "challenge.errors.notYours"));
    const enter = w.fake.pressButton(w.mona, monaClip.id, enterId);
    expect((await ephemeral(enter)).content).toBe(t("en", "challenge.entered", { theme: "red things" }));

    const entryOf = (user: string) => w.fake.waitFor(() => botPosts().find((m) => m.content.includes(`<@${user}>`) && m.attachments.some((a) => a.filename.endsWith(".mp4"))), 120_000, `the entry of ${user}`);
    const [malloryEntry, monaEntry] = [await entryOf(w.mallory.id), await entryOf(w.mona.id)];
    // Mallory's own clip, entered by /challenge submit, has no button to enter it again.
    const malloryClip = w.fake.threadsOf(w.general.id).flatMap((th) => w.fake.channelMessages(th.id))
      .find((m) => m.attachments.length && m.channel_id !== sora.originalId && m.channel_id !== w.general.id)!;
    expect(ids(malloryClip).map((b) => b.custom_id).filter((id) => id.startsWith("sora:enterChallenge:"))).toEqual([]);
    const vote = (m: FakeMessage) => ids(m).find((b) => b.custom_id.startsWith("sora:vote:"))!;
    expect(vote(malloryEntry).label).toBe("👍 0");

    const press = async (who: typeof w.alice, m: FakeMessage) => (await ephemeral(w.fake.pressButton(who, m.id, vote(m).custom_id))).content;
    expect(await press(w.alice, malloryEntry)).toBe(t("en", "challenge.vote.added", { count: 1 }));
    expect(await press(w.mona, malloryEntry)).toBe(t("en", "challenge.vote.added", { count: 2 }));
    expect(await press(w.mallory, malloryEntry)).toBe(t("en", "challenge.errors.selfVote"));
    expect(await press(w.mallory, monaEntry)).toBe(t("en", "challenge.vote.added", { count: 1 }));
    expect(await press(w.mallory, monaEntry), "a second press takes the vote back").toBe(t("en", "challenge.vote.removed", { count: 0 }));
    await w.fake.waitFor(() => vote(w.fake.channelMessages(w.general.id).find((m) => m.id === malloryEntry.id)!).label === "👍 2", 10_000, "the live count");

    // The bot restarts before the deadline: the deadline job waits in Redis and the new process ends the challenge.
    await w.restartAdapter();
    const results = await w.fake.waitFor(() => botPosts().find((m) => m.content.startsWith(t("en", "challenge.results.title", { theme: "red things" }))), 120_000, "the results");
    expect(results.content).toContain(t("en", "challenge.results.winner", { author: `<@${w.mallory.id}>` }));
    expect(results.content.indexOf(`<@${w.mallory.id}> — 👍 2`)).toBeLessThan(results.content.indexOf(`<@${w.mona.id}> — 👍 0`));

    // The reel: a stitch job of the top two, posted in a thread of the channel like any clip.
    const reel = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id).flatMap((th) => w.fake.channelMessages(th.id))
      .find((m) => m.attachments.some((a) => a.filename.endsWith(".mp4")) && (m.embeds as { title?: string }[]).some((e) => e.title === t("en", "clip.kind.stitch"))), 120_000, "the reel");
    // The link is written right after the post.
    let clip = await w.links.clipForMessage("discord", reel.id);
    for (let n = 0; n < 200 && !clip; n++) {
      await new Promise((r) => setTimeout(r, 25));
      clip = await w.links.clipForMessage("discord", reel.id);
    }
    expect(clip).toMatchObject({ kind: "stitch" });
    expect((clip!.params as { parts?: string[] }).parts).toHaveLength(2);
    expect(botPosts().filter((m) => m.content.startsWith(t("en", "challenge.results.title", { theme: "red things" }))), "posted once").toHaveLength(1);

    const late = w.fake.pressButton(w.alice, monaEntry.id, vote(monaEntry).custom_id);
    expect((await ephemeral(late)).content).toBe(t("en", "challenge.errors.votingClosed"));
  });

  it("a configured role may run challenges", async () => {
    const moderators = w.guild.roles.find((r) => r.name === "Moderators")!.id;
    await w.restartAdapter({ challengeRoles: [moderators] });
    const start = w.fake.subcommand(w.mona, w.general.id, "challenge", "start", { theme: "blue things", duration: "2h" });
    expect((await ephemeral(start)).content).toBe(t("en", "challenge.started", { theme: "blue things", duration: { seconds: 7200 } }));
    const cancel = w.fake.subcommand(w.mona, w.general.id, "challenge", "cancel");
    expect((await ephemeral(cancel)).content).toBe(t("en", "challenge.cancelledReply", { theme: "blue things" }));
    await w.fake.waitFor(() => botPosts().find((m) => m.content === t("en", "challenge.cancelled", { theme: "blue things" })), 10_000, "the cancel notice");
  });

  it("channel: runs it in the channel named — announcement, entries and results there; hostile values refused", async () => {
    const contest = w.fake.addChannel(w.guild, "contest");
    // The bot may read #closed but not send there (a member overwrite, as a server admin would set it).
    const closed = w.fake.addChannel(w.guild, "closed", { overwrites: [{ id: w.fake.bot.id, type: 1, allow: "0", deny: String(PERMISSIONS.SEND_MESSAGES) }] });
    const other = w.fake.addGuild("Elsewhere", w.mallory).general;
    await w.fake.waitFor(() => w.adapter!.client.channels.cache.has(closed.id), 10_000, "the new channels known to the bot");
    const start = (who: typeof w.alice, channel: OptionValue, locale = "en-US") =>
      ephemeral(w.fake.subcommand(who, w.general.id, "challenge", "start", { theme: "green things", duration: "2h", channel }, locale));

    expect((await start(w.mallory, contest)).content, "only managers").toBe(t("en", "challenge.errors.notOrganizer"));
    expect((await start(w.alice, closed, "fr")).content).toBe(t("fr", "challenge.errors.cannotPost"));
    expect((await start(w.alice, other)).content, "another server's channel").toBe(t("en", "challenge.errors.cannotPost"));
    expect((await start(w.alice, { raw: { type: 7, value: "123456789012345678" } })).content, "no such channel").toBe(t("en", "challenge.errors.cannotPost"));
    expect((await start(w.alice, { raw: { type: 7, value: "../../etc/passwd" } })).content).toBe(t("en", "challenge.errors.badChannel", { value: "../../etc/passwd" }));
    expect((await start(w.alice, { raw: { type: 3, value: "https://evil.example/x" } })).content).toBe(t("en", "challenge.errors.badChannel", { value: "https://evil.example/x" }));
    expect(botPosts(closed)).toEqual([]);

    const started = await start(w.alice, contest);
    expect(started.content).toBe(t("en", "challenge.startedIn", { theme: "green things", duration: { seconds: 7200 }, channel: `<#${contest.id}>` }));
    const title = t("en", "challenge.announce.title", { theme: "green things" });
    await w.fake.waitFor(() => botPosts(contest).find((m) => m.content.startsWith(title)), 10_000, "the announcement in #contest");
    expect(botPosts().some((m) => m.content.startsWith(title)), "nothing in #general").toBe(false);
    expect((await start(w.alice, contest)).content, "one challenge per channel").toBe(t("en", "challenge.errors.alreadyRunning"));

    // An entry made in #contest is posted there.
    const submit = w.fake.subcommand(w.mallory, contest.id, "challenge", "submit", { prompt: `a green ball ${CHEAP} --seed 5` });
    expect((await ephemeral(submit)).content).toBe(t("en", "challenge.submitted", { theme: "green things" }));
    await w.fake.waitFor(() => botPosts(contest).find((m) => m.content.includes(`<@${w.mallory.id}>`) && m.attachments.length), 120_000, "the entry in #contest");
    const board = await ephemeral(w.fake.subcommand(w.mona, w.general.id, "challenge", "leaderboard", { channel: contest }));
    expect(board.content).toContain(`<@${w.mallory.id}> — 👍 0`);

    // Ended from #general. The results' post goes out, but its answer is lost, more times than discord.js retries
    // (each retry carries the same nonce, so Discord keeps one message): the deadline job fails and BullMQ runs it
    // again, which finds the post in the channel and records it instead of posting a second one.
    w.fake.failNext({ method: "POST", path: new RegExp(`^/channels/${contest.id}/messages$`), status: 500, times: 4, perform: true });
    const end = await ephemeral(w.fake.subcommand(w.alice, w.general.id, "challenge", "end", { channel: contest }));
    expect(end.content).toBe(t("en", "challenge.ending", { theme: "green things" }));
    const resultsTitle = t("en", "challenge.results.title", { theme: "green things" });
    await w.fake.waitFor(() => w.logs.some((l) => l.includes("results was posted by an earlier attempt")), 60_000, "the retried job finding the results");
    const results = botPosts(contest).filter((m) => m.content.startsWith(resultsTitle));
    expect(results, "posted once, in #contest").toHaveLength(1);
    expect(results[0]!.content).toContain(t("en", "challenge.results.winner", { author: `<@${w.mallory.id}>` }));
    expect(botPosts().some((m) => m.content.startsWith(resultsTitle))).toBe(false);
    expect((await ephemeral(w.fake.subcommand(w.alice, w.general.id, "challenge", "cancel", { channel: contest }))).content, "it is over")
      .toBe(t("en", "challenge.errors.noneRunning"));
  });
});
