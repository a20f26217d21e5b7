// `/sora history` (and `/history`) in the playground over its HTTP API: a tab's own clips, newest first, in its
// language, each with its clip id (the playground's thread has no message links), deleted clips left out; another tab
// has none. The stub worker (test/discord/stub-worker.ts) makes the clips, the kernel's Delivery posts and records
// them. The same command on Discord and Slack, with their links, is in test/discord/challenge.test.ts and
// test/slack/challenge.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../commands/i18n.ts";
import { startStubWorker, type StubWorker } from "../discord/stub-worker.ts";
import { api, newSession, startTestPlayground, type TestPlayground } from "./helpers.ts";

let tp: TestPlayground;
let stub: StubWorker;

beforeAll(async () => {
  tp = await startTestPlayground();
  // The playground uploads nothing: any bytes make a clip.
  stub = startStubWorker(tp.prefix, tp.store, Buffer.from("not really an mp4"));
});

afterAll(async () => {
  await stub?.close();
  await tp?.close();
});

const say = (session: string, text: string, locale = "en") => api(tp.base, "/api/message", { session, locale, text });

/** Ask until the history lists `prompt` (the clip is recorded once its message is posted). */
async function historyWith(session: string, text: string, locale: string, prompt: string) {
  for (let n = 0; n < 400; n++) {
    const r = await say(session, text, locale);
    if (r.replies[0]?.text.includes(prompt)) return r.replies[0];
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`the history never listed ${prompt}`);
}

describe("playground /sora history", () => {
  it("lists the tab's own clips, newest first, without the deleted ones; another tab has none", async () => {
    const a = await newSession(tp.base);
    await say(a, "a red ball bouncing");
    await historyWith(a, "/sora history", "de", "„a red ball bouncing“");
    await say(a, "/sora a blue star");
    const both = await historyWith(a, "/history", "de", "„a blue star“");
    expect(both.key).toBe("history.title");
    const lines = both.text.split("\n");
    expect(lines[0]).toBe(t("de", "history.title"));
    expect(lines[1]).toMatch(/^1\. „a blue star“ — vor \d+ s — Clip clip_[\w-]+$/);
    expect(lines[2]).toMatch(/^2\. „a red ball bouncing“ — vor \d+ s — Clip clip_[\w-]+$/);

    // Deleted: gone from the list.
    const blue = /Clip (clip_[\w-]+)$/.exec(lines[1]!)![1]!;
    await tp.store.deleteClip(blue, { platform: "playground", userId: a, manager: false });
    const after = (await say(a, "history", "en")).replies[0]!;
    expect(after.text).not.toContain("a blue star");
    expect(after.text.split("\n")[1]).toMatch(/^1\. “a red ball bouncing” — \d+ s ago — clip clip_/);

    const b = await newSession(tp.base);
    expect((await say(b, "/sora history", "fr")).replies[0]).toMatchObject({ key: "history.empty", text: `${t("fr", "history.title")}\n${t("fr", "history.empty")}` });
  });
});
