// The Slack adapter without the engine: it connects over Socket Mode with the real Bolt app, acknowledges at once,
// answers bad input with an ephemeral message in the asker's language and queues nothing, and asks users.info for a
// person's locale once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { parseBlocklist } from "../../commands/moderation.ts";
import { startSlackAdapter } from "../../bot/slack/index.ts";
import { World } from "./harness.ts";

let w: World;

beforeAll(async () => {
  w = await World.start();
});

afterAll(async () => {
  await w?.close();
});

async function ephemeral(user: { id: string }, after: number): Promise<string> {
  const e = await w.fake.waitFor(() => w.fake.state.ephemerals.filter((x) => x.user === user.id).slice(after)[0], 10_000, "an ephemeral answer");
  return e.text;
}

describe("slack adapter, no engine", () => {
  it("connects over Socket Mode with the app token and checks the bot token first", () => {
    const calls = w.fake.state.calls.map((c) => c.method);
    expect(calls.indexOf("auth.test")).toBeLessThan(calls.indexOf("apps.connections.open"));
    expect(w.fake.state.callsOf("apps.connections.open")[0].token).toBe(w.fake.appToken);
    expect(w.adapter!.httpHandler).toBeUndefined();
    expect(w.logs.some((l) => /Slack is connected as sora @ Clip Club/.test(l))).toBe(true);
  });

  it("bad input: acked within 3 s, an ephemeral error, nothing queued", async () => {
    const before = w.fake.state.ephemerals.length;
    const ack = await w.fake.slash(w.alice, w.general, "a red ball --steps 500");
    expect(ack.ms).toBeLessThan(3000);
    const text = await ephemeral(w.alice, 0);
    expect(text).toBe(t("en", "errors.badInteger", { flag: "--steps", min: 1, max: 100, value: "500" }));
    expect(w.fake.state.ephemerals.length).toBe(before + 1);
    expect(w.fake.state.ephemerals.at(-1)!.channel).toBe(w.general.id);
    expect(await w.jobCount()).toBe(0);
    expect(w.fake.state.messages.filter((m) => m.bot_id), "no public message").toHaveLength(0);
  });

  it("answers in the asker's Slack language, looked up once (users.info include_locale, cached)", async () => {
    await w.fake.slash(w.bruno, w.general, "");
    expect(await ephemeral(w.bruno, 0)).toBe(t("es", "errors.emptyPrompt"));
    await w.fake.slash(w.bruno, w.general, "un gato --ar 5:4");
    expect(await ephemeral(w.bruno, 1)).toBe(t("es", "errors.badChoice", { flag: "--ar", choices: "1:1, 16:9, 9:16", value: "5:4" }));
    const lookups = w.fake.state.callsOf("users.info").filter((c) => c.args.user === w.bruno.id);
    expect(lookups).toHaveLength(1);
    expect(lookups[0].args.include_locale).toBe("true");
    expect(await w.jobCount()).toBe(0);
  });

  it("refuses a blocked prompt, and `queue` answers with the status", async () => {
    await w.fake.slash(w.mallory, w.general, "n u d e beach");
    expect(await ephemeral(w.mallory, 0)).toBe(t("en", "errors.blocked"));
    expect(w.logs.some((l) => l.includes(`moderation: refused platform=slack user=${w.mallory.id}`))).toBe(true);
    await w.fake.slash(w.mallory, w.general, "queue");
    expect(await ephemeral(w.mallory, 1)).toContain(t("en", "status.none"));
    expect(await w.jobCount()).toBe(0);
  });

  it("unescapes Slack's &amp; &lt; &gt; before reading flags", async () => {
    await w.fake.slash(w.alice, w.general, "cats &amp; dogs --neg &lt;blurry&gt; --seed x");
    expect(await ephemeral(w.alice, 1)).toBe(t("en", "errors.badInteger", { flag: "--seed", min: 0, max: 4294967295, value: "x" }));
  });

  it("start-up refuses a bad bot token, or no transport, with a message an operator can act on", async () => {
    const base = { apiUrl: w.fake.apiUrl, producer: w.producer, events: w.events, store: w.store, blocklist: parseBlocklist("", "t"), model: "m", log: () => undefined, deliveries: w.deliveries, links: w.links };
    await expect(startSlackAdapter({ ...base, botToken: "xoxb-wrong", appToken: w.fake.appToken })).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    await expect(startSlackAdapter({ ...base, botToken: w.fake.botToken })).rejects.toThrow(/SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET/);
  });
});
