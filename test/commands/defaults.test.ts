// /defaults against the real Redis at 127.0.0.1:6379 (RedisServerDefaults under a prefix of its own, removed
// afterwards) and the test queue that validates every job with the real job schema.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { RedisServerDefaults } from "../../bot/core/defaults-store.ts";
import { COMMANDS } from "../../commands/index.ts";
import { ListQueue, MapClips, RecordingContext } from "./harness.ts";
import { cleanup } from "../queue/helpers.ts";

const prefix = `sora-defaultstest-${randomUUID().slice(0, 8)}`;
const redis = connectRedis();
const defaults = new RedisServerDefaults(redis, { prefix });

afterAll(async () => {
  await cleanup(redis, prefix);
  await redis.quit();
});

let servers = 0;
/** A fresh server (its own hash) with a queue and people in it. */
function server() {
  const serverId = `guild-${++servers}`;
  const queue = new ListQueue();
  const clips = new MapClips();
  clips.add("clip-1", "owner");
  const ctx = (o: { userId?: string; manager?: boolean; locale?: string; serverId?: string | null; withStore?: boolean } = {}) =>
    new RecordingContext({
      producer: queue, clips, userId: o.userId ?? "user", manager: o.manager, locale: o.locale,
      serverId: o.serverId === undefined ? serverId : o.serverId, ...(o.withStore === false ? {} : { defaults }),
    });
  const manager = (locale?: string) => ctx({ userId: "boss", manager: true, locale });
  return { serverId, queue, clips, ctx, manager };
}

describe("/defaults", () => {
  it("a manager sets them; a later /sora in that server gets every one the user left out", async () => {
    const s = server();
    const m = s.manager();
    await COMMANDS.defaults.handle(m, { aspect: "16:9", steps: 12, seconds: 3, guidance: 5, negative: " blurry " });
    expect(m.replies).toHaveLength(1);
    expect(m.replies[0]).toMatchObject({ key: "defaults.saved", ephemeral: true });
    expect(m.replies[0].text).toBe("Saved. New clips in this server now use: aspect 16:9, 12 steps, 3 s, guidance 5, avoid “blurry”. What people give themselves still wins.");
    expect(await redis.hgetall(`${prefix}:discord:${s.serverId}`)).toEqual({ aspect: "16:9", steps: "12", seconds: "3", guidance: "5", negativePrompt: "blurry" });

    const u = s.ctx();
    await COMMANDS.sora.handle(u, { prompt: "a red ball" });
    expect(u.replies).toEqual([]);
    expect(s.queue.entries[0].job).toMatchObject({ kind: "generate", prompt: "a red ball", aspect: "16:9", steps: 12, seconds: 3, guidance: 5, negativePrompt: "blurry" });
    expect(s.queue.entries[0].job.seed).toBeUndefined();
  });

  it("the user's inline flags and slash options win over the defaults", async () => {
    const s = server();
    await COMMANDS.defaults.handle(s.manager(), { aspect: "16:9", steps: 12, guidance: 5, negative: "blurry" });
    await COMMANDS.sora.handle(s.ctx(), { prompt: 'a cube --steps 30 --ar 1:1 --neg "dark"', guidance: 7 });
    expect(s.queue.entries[0].job).toMatchObject({ aspect: "1:1", steps: 30, guidance: 7, negativePrompt: "dark" });
  });

  it("applies only where a kind takes the setting, and never in another server or a DM", async () => {
    const s = server();
    await COMMANDS.defaults.handle(s.manager(), { aspect: "9:16", steps: 8, seconds: 2 });
    await COMMANDS.extend.handle(s.ctx(), { clip: "clip-1", prompt: "it rolls" });
    await COMMANDS.remix.handle(s.ctx(), { clip: "clip-1", prompt: "at night" });
    await COMMANDS.reroll.handle(s.ctx(), { clip: "clip-1" });
    await COMMANDS.sora.handle(s.ctx({ serverId: "some-other-guild" }), { prompt: "elsewhere" });
    await COMMANDS.sora.handle(s.ctx({ serverId: null }), { prompt: "in a DM" });
    const jobs = s.queue.entries.map((e) => e.job);
    // Extend keeps its clip's aspect (the worker would refuse another); a remix its clip's length; a reroll everything.
    expect(jobs[0]).toMatchObject({ kind: "extend", steps: 8, seconds: 2 });
    expect(jobs[0].aspect).toBeUndefined();
    expect(jobs[1]).toMatchObject({ kind: "remix", steps: 8 });
    expect([jobs[1].aspect, jobs[1].seconds]).toEqual([undefined, undefined]);
    expect(jobs[2]).toEqual(expect.not.objectContaining({ steps: expect.anything() }));
    for (const j of jobs.slice(3)) expect([j.aspect, j.steps, j.seconds]).toEqual([undefined, undefined, undefined]);
  });

  it("refuses someone who is not a manager, in their language, and changes nothing", async () => {
    const s = server();
    await COMMANDS.defaults.handle(s.manager(), { steps: 12 });
    const u = s.ctx({ locale: "es-419" });
    await COMMANDS.defaults.handle(u, { steps: 50, reset: true });
    expect(u.replies).toHaveLength(1);
    expect(u.replies[0]).toMatchObject({
      key: "errors.defaultsNotAllowed", ephemeral: true,
      text: "Solo quien administra el servidor puede cambiar sus valores predeterminados.",
    });
    expect(await defaults.get("discord", s.serverId)).toEqual({ steps: 12 });
  });

  it("refuses a bad value with the flags' limits, in the reader's language, and stores none of the request", async () => {
    const s = server();
    await COMMANDS.defaults.handle(s.manager(), { steps: 12, aspect: "16:9" });
    const cases: [Record<string, string | number | boolean>, string, RegExp][] = [
      [{ steps: 500, guidance: 3 }, "errors.badInteger", /^steps muss eine ganze Zahl von 1 bis 100 sein/],
      [{ guidance: 3, steps: 2.5 }, "errors.badInteger", /^steps muss eine ganze Zahl/],
      [{ seconds: 61 }, "errors.badNumber", /^seconds muss eine Zahl von 0.5 bis 60 sein/],
      [{ guidance: "viel" }, "errors.badNumber", /^guidance muss eine Zahl von 0 bis 20/],
      [{ aspect: "4:3", steps: 3 }, "errors.badChoice", /^aspect muss eines von 1:1, 16:9, 9:16 sein/],
      [{ negative: "x".repeat(1001), steps: 3 }, "errors.promptTooLong", /1001/],
      [{ negative: "gore", steps: 3, reset: true }, "errors.blocked", /Inhaltsregeln|Regeln/],
    ];
    for (const [args, key, text] of cases) {
      const m = s.manager("de");
      await COMMANDS.defaults.handle(m, args);
      expect(m.replies, key).toHaveLength(1);
      expect(m.replies[0], key).toMatchObject({ key, ephemeral: true });
      expect(m.replies[0].text, key).toMatch(text);
    }
    expect(await defaults.get("discord", s.serverId)).toEqual({ steps: 12, aspect: "16:9" });
  });

  it("with no options shows them; reset clears them, and /sora goes back to the bot's own settings", async () => {
    const s = server();
    const empty = s.manager("fr");
    await COMMANDS.defaults.handle(empty, {});
    expect(empty.replies[0]).toMatchObject({ key: "defaults.none", text: "Ce serveur n'a pas de valeurs par défaut : les clips utilisent les réglages du bot." });

    await COMMANDS.defaults.handle(s.manager(), { steps: 12 });
    await COMMANDS.defaults.handle(s.manager(), { negative: "blurry" });
    const show = s.manager("ja");
    await COMMANDS.defaults.handle(show, {});
    expect(show.replies[0]).toMatchObject({ key: "defaults.current", text: "このサーバーのデフォルト設定：ステップ 12、避けるもの「blurry」。/sora で各自が指定した値が優先されます。" });

    const reset = s.manager();
    await COMMANDS.defaults.handle(reset, { reset: true });
    expect(reset.replies[0]).toMatchObject({ key: "defaults.cleared" });
    expect(await redis.exists(`${prefix}:discord:${s.serverId}`)).toBe(0);
    await COMMANDS.sora.handle(s.ctx(), { prompt: "a plain ball" });
    expect(s.queue.entries[0].job).toEqual(expect.not.objectContaining({ steps: expect.anything(), negativePrompt: expect.anything() }));

    // reset with options: a fresh set.
    await COMMANDS.defaults.handle(s.manager(), { steps: 20, guidance: 4 });
    const fresh = s.manager();
    await COMMANDS.defaults.handle(fresh, { reset: true, seconds: 4 });
    expect(fresh.replies[0]).toMatchObject({ key: "defaults.saved" });
    expect(await defaults.get("discord", s.serverId)).toEqual({ seconds: 4 });
  });

  it("says when there is no server or no store to keep them", async () => {
    const s = server();
    for (const c of [s.ctx({ manager: true, serverId: null }), s.ctx({ manager: true, withStore: false })]) {
      await COMMANDS.defaults.handle(c, { steps: 3 });
      expect(c.replies[0]).toMatchObject({ key: "errors.defaultsNoServer", text: "Server defaults only work in a server." });
    }
    // Without a store, /sora goes out exactly as asked.
    await COMMANDS.sora.handle(s.ctx({ withStore: false }), { prompt: "a ball" });
    expect(s.queue.entries).toHaveLength(1);
  });

  it("drops a stored value that the limits no longer allow instead of failing every job", async () => {
    const s = server();
    await redis.hset(`${prefix}:discord:${s.serverId}`, { steps: "500", guidance: "6", aspect: "4:3" });
    expect(await defaults.get("discord", s.serverId)).toEqual({ guidance: 6 });
    await COMMANDS.sora.handle(s.ctx(), { prompt: "a ball" });
    expect(s.queue.entries[0].job).toMatchObject({ guidance: 6 });
  });

  it("/info shows the server's defaults when there are some", async () => {
    const s = server();
    const before = s.ctx();
    await COMMANDS.info.handle(before, {});
    expect(before.replies[0].text).not.toContain("Server defaults");
    await COMMANDS.defaults.handle(s.manager(), { aspect: "16:9", steps: 12 });
    const after = s.ctx({ locale: "pt-BR" });
    await COMMANDS.info.handle(after, {});
    expect(after.replies[0].text.split("\n")).toContain("Padrões do servidor: proporção 16:9, 12 passos");
  });
});
