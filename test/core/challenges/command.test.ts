// /challenge as commands/challenge.ts handles it, on the real kernel and Redis: who may start, end, schedule and
// cancel (organizers), what anyone may do (submit, leaderboard, enter their own clip), how each piece of typed text
// is read (Discord's options, or one text from Slack and the playground), and hostile themes and prompts kept as data.
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS, handleButton } from "../../../commands/index.ts";
import { encodeButtonId } from "../../../commands/buttons.ts";
import { t } from "../../../commands/i18n.ts";
import { parseDuration, readChallengeArgs } from "../../../commands/challenge-args.ts";
import { DISCORD_CHANNELS } from "../../../bot/discord/context.ts";
import { SLACK_CHANNELS } from "../../../bot/slack/context.ts";
import { challengeText } from "../../../bot/slack/challenge-command.ts";
import { hostilePrompts } from "../../security/hostile-prompts.ts";
import { ChallengeWorld } from "./world.ts";

const w = new ChallengeWorld();
const k = w.kernel(false);
afterAll(() => w.close());
const run = (ctx: ReturnType<typeof w.ctx>, args: Record<string, string | number>) => COMMANDS.challenge.handle(ctx, args);

describe("/challenge permissions", () => {
  it("only organizers start, end, schedule and cancel; anyone sees the leaderboard", async () => {
    for (const action of ["start", "end", "cancel", "schedule"]) {
      const member = w.ctx(k, "mallory");
      await run(member, { action, theme: "x", duration: "2h", themes: "a; b", every: "1d" });
      expect(member.replies.map((r) => r.key), action).toEqual(["challenge.errors.notOrganizer"]);
    }
    const none = w.ctx(k, "mallory");
    await run(none, { action: "leaderboard" });
    expect(none.replies[0]?.key).toBe("challenge.errors.noneRunning");

    const mod = w.ctx(k, "mod", { organizer: true, locale: "es-ES" });
    await run(mod, { action: "start", theme: "gatos", duration: "2h", "entries-per-user": 1 });
    expect(mod.replies[0]).toMatchObject({ key: "challenge.started", text: t("es", "challenge.started", { theme: "gatos", duration: { seconds: 7200 } }) });
    const again = w.ctx(k, "mod2", { organizer: true });
    await run(again, { action: "start", theme: "perros", duration: "1h" });
    expect(again.replies[0]?.key, "one challenge per channel").toBe("challenge.errors.alreadyRunning");

    const board = w.ctx(k, "mallory");
    await run(board, { action: "leaderboard" });
    expect(board.replies[0]?.text).toContain(t("en", "challenge.leaderboard.empty"));
  });

  it("enters only one's own clips, up to the limit", async () => {
    const mine = await w.clip("alice");
    const theirs = await w.clip("bob");
    const alice = w.ctx(k, "alice");
    await handleButton(alice, encodeButtonId("enterChallenge", theirs.id));
    expect(alice.replies.at(-1)?.key).toBe("challenge.errors.notYours");
    await handleButton(alice, encodeButtonId("enterChallenge", mine.id));
    expect(alice.replies.at(-1)?.key).toBe("challenge.entered");
    await handleButton(alice, encodeButtonId("enterChallenge", mine.id));
    expect(alice.replies.at(-1)?.key).toBe("challenge.errors.alreadyEntered");
    await handleButton(alice, encodeButtonId("enterChallenge", (await w.clip("alice")).id));
    expect(alice.replies.at(-1)?.key, "entries-per-user 1").toBe("challenge.errors.limit");
    const submit = w.ctx(k, "alice");
    await run(submit, { action: "submit", prompt: "a red ball --steps 2" });
    expect(submit.replies.at(-1)?.key).toBe("challenge.errors.limit");
    expect(w.queue.entries, "a refused entry makes no clip").toHaveLength(0);
  });

  it("a submitted prompt becomes a job like /sora's, and its slot is kept for it", async () => {
    const bob = w.ctx(k, "bob");
    await run(bob, { action: "submit", prompt: "a blue cube --steps 2" });
    expect(bob.replies.map((r) => r.key)).toEqual(["challenge.submitted"]);
    expect(w.queue.entries.at(-1)!.job).toMatchObject({ kind: "generate", prompt: "a blue cube", steps: 2, origin: { userId: "bob" } });
    const again = w.ctx(k, "bob");
    await run(again, { action: "submit", prompt: "another" });
    expect(again.replies.at(-1)?.key, "the pending clip holds bob's one slot").toBe("challenge.errors.limit");
  });

  it("reads one text the way Slack and the playground send it", () => {
    expect(readChallengeArgs({ action: "start theme: a cat: in space duration: 2h entries-per-user: 2" }))
      .toEqual({ action: "start", args: { theme: "a cat: in space", duration: "2h", "entries-per-user": "2" } });
    expect(readChallengeArgs({ action: "submit a red ball --ar 16:9" })).toEqual({ action: "submit", args: { prompt: "a red ball --ar 16:9" } });
    expect(readChallengeArgs({ action: "iniciar theme: gatos duration: 1d" }).action).toBe("start");
    expect(() => readChallengeArgs({ action: "explode" })).toThrow(expect.objectContaining({ key: "challenge.errors.unknownAction" }));
    // Discord's subcommand: the name alone, its options beside it; a channel option as Discord's mention.
    expect(readChallengeArgs({ action: "start", theme: "a cat", duration: "2h", channel: "<#123456789012345678>" }))
      .toEqual({ action: "start", args: { action: "start", theme: "a cat", duration: "2h", channel: "<#123456789012345678>" } });
    expect(readChallengeArgs({ action: "start theme: a cat duration: 2h channel: <#C0CONTEST|contest>" }).args)
      .toEqual({ theme: "a cat", duration: "2h", channel: "<#C0CONTEST|contest>" });
    expect(readChallengeArgs({ action: "end <#C0CONTEST|contest>" }).args, "bare words after end name the channel").toEqual({ channel: "<#C0CONTEST|contest>" });
    expect(parseDuration("1h30m")).toBe(5_400_000);
    for (const bad of ["", "2 hours", "-5m", "1e3s", "7"]) expect(() => parseDuration(bad), bad).toThrow();
  });

  it("refuses durations out of the configured range", async () => {
    const mod = w.ctx(k, "mod", { organizer: true });
    await run(mod, { action: "start", theme: "fast", duration: "10s" });
    expect(mod.replies[0]).toMatchObject({ key: "challenge.errors.durationRange" });
    expect(mod.replies[0]!.text).toBe(t("en", "challenge.errors.durationRange", { min: { seconds: 60 }, max: { seconds: 30 * 86400 } }));
  });

  it("keeps hostile themes and prompts as data", async () => {
    const themes = [
      ...hostilePrompts("/tmp/sora-trap", "http://127.0.0.1:9").map((h) => h.prompt),
      " ", "", "../../etc/passwd", "x".repeat(5000), "sora:vote:clip_x", "challenges:c:abc", "\u200b\u200e", "🎈".repeat(50),
    ];
    for (const [i, theme] of themes.entries()) {
      const place = { ...w.place, channelId: `hostile-${i}` };
      const mod = w.ctx(k, "mod", { organizer: true, eventId: `hostile-${i}` });
      Object.assign(mod, { where: { channelId: place.channelId } });
      await run(mod, { action: "start", theme, duration: "1h" });
      const key = mod.replies[0]?.key;
      if (key !== "challenge.started") {
        // Only the length and emptiness checks may refuse a theme.
        expect(["challenge.errors.noTheme", "challenge.errors.themeTooLong"], JSON.stringify(theme).slice(0, 60)).toContain(key);
        continue;
      }
      const c = (await k.running(place))!;
      expect(c.theme).toBe(theme.trim());
      expect(w.port.posts.at(-1)!.text).toContain(c.theme.slice(0, 50));
      await k.cancel(c);
    }
  });

  it("channel: takes only the platform's channel mention; anything else is refused, with the text made inert", async () => {
    expect(DISCORD_CHANNELS.parse("<#123456789012345678>")).toBe("123456789012345678");
    expect(SLACK_CHANNELS.parse("<#C0CONTEST|contest>")).toBe("C0CONTEST");
    expect(SLACK_CHANNELS.parse("<#G0SECRET>")).toBe("G0SECRET");
    const hostile = [
      "123456789012345678", "C0CONTEST", "#contest", "contest", "../../etc/passwd", "/etc/passwd", "https://evil.example/x",
      "<https://evil.example/x>", "<#../../x>", "<#C0CONTEST|a|b>", "<@U0ALICE>", "<!channel>", "<#D0DIRECT>", "<#123>",
      "<#123456789012345678> <#123456789012345679>", "file:///etc/passwd", "\u0000", "<#C0CONTEST|<b>>",
    ];
    for (const raw of hostile) {
      expect(DISCORD_CHANNELS.parse(raw), raw).toBeUndefined();
      expect(SLACK_CHANNELS.parse(raw), raw).toBeUndefined();
    }
    for (const raw of ["https://evil.example/x", "<!channel> @everyone", "../../etc/passwd"]) {
      const mod = w.ctx(k, "mod", { organizer: true });
      Object.assign(mod, { channels: SLACK_CHANNELS });
      await run(mod, { action: "start", theme: "x", duration: "1h", channel: raw });
      expect(mod.replies[0]?.key, raw).toBe("challenge.errors.badChannel");
      // Shown back without markup: no ping, no mention, no link syntax.
      expect(mod.replies[0]!.text, raw).not.toMatch(/[<>@!]/);
    }
    // Where there is only one place (the playground), channel: is refused, not ignored.
    const here = w.ctx(k, "mod", { organizer: true });
    await run(here, { action: "start", theme: "x", duration: "1h", channel: "<#C0CONTEST|contest>" });
    expect(here.replies[0]?.key).toBe("challenge.errors.noChannels");
    // Only organizers, whatever the channel.
    const member = w.ctx(k, "mallory");
    Object.assign(member, { channels: SLACK_CHANNELS });
    await run(member, { action: "start", theme: "x", duration: "1h", channel: "<#C0CONTEST|contest>" });
    expect(member.replies[0]?.key).toBe("challenge.errors.notOrganizer");
  });

  it("starts, ends and cancels the challenge of the channel named, and says where", async () => {
    const mod = w.ctx(k, "mod", { organizer: true, eventId: "ev-elsewhere" });
    Object.assign(mod, { channels: SLACK_CHANNELS });
    await run(mod, { action: "start theme: owls duration: 2h channel: <#C0OWLS|owls>" });
    expect(mod.replies[0]).toMatchObject({ key: "challenge.startedIn", text: t("en", "challenge.startedIn", { theme: "owls", duration: { seconds: 7200 }, channel: "<#C0OWLS>" }) });
    const owls = { ...w.place, channelId: "C0OWLS" };
    expect((await k.running(owls))?.theme).toBe("owls");
    expect(w.port.posts.at(-1)!.place.channelId, "announced there").toBe("C0OWLS");
    const board = w.ctx(k, "bob");
    Object.assign(board, { channels: SLACK_CHANNELS });
    await run(board, { action: "leaderboard <#C0OWLS|owls>" });
    expect(board.replies[0]?.text).toContain("owls");
    const cancel = w.ctx(k, "mod", { organizer: true });
    Object.assign(cancel, { channels: SLACK_CHANNELS });
    await run(cancel, { action: "cancel", channel: "<#C0OWLS|owls>" });
    expect(cancel.replies[0]?.key).toBe("challenge.cancelledReply");
    expect(await k.running(owls)).toBeUndefined();
  });

  it("Slack's escaped command text: channels stay mentions, people and links turn to text, then entities", () => {
    expect(challengeText("start theme: cats &amp; &lt;dogs&gt; duration: 2h channel: <#C0CONTEST|contest>"))
      .toBe("start theme: cats & <dogs> duration: 2h channel: <#C0CONTEST|contest>");
    expect(challengeText("submit a ball for <@U0ALICE|alice> see <https://x.example/a|this> <https://y.example> <!here>"))
      .toBe("submit a ball for @alice see this https://y.example @here");
  });
});
