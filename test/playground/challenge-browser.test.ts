// A prompt challenge in the playground page, in Chromium: two tabs (two people), the real page and HTTP server, the
// real queue on Redis, and a stub worker that stores a prepared MP4 as every job's clip (the reel's real stitch is
// checked on Discord and Slack). Tab A starts a challenge and enters with /challenge submit; tab B makes a clip and
// presses "Submit to challenge" under it; votes by clicking (a refused self-vote, a toggle); the deadline ends it by
// itself and both threads show the winner, and A's thread the reel.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { t } from "../../commands/i18n.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "../discord/stub-worker.ts";
import { startTestPlayground, type TestPlayground } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
let tp: TestPlayground;
let worker: StubWorker;
let browser: Browser;
let dir = "";

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  process.env.SORA_CHALLENGE_MIN_SECONDS = "2";
  dir = await mkdtemp(join(tmpdir(), "sora-pg-challenge-"));
  tp = await startTestPlayground({ challenges: true });
  worker = startStubWorker(tp.prefix, tp.store, await noiseVideo(join(dir, "noise.mp4")));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}, 60_000);

afterAll(async () => {
  delete process.env.SORA_CHALLENGE_MIN_SECONDS;
  await browser?.close();
  await worker?.close();
  await tp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tab(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${tp.base}/?lang=en`);
  await page.waitForSelector("#status[data-state=connected]");
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
}

/** The entry messages (clip messages whose caption is an entry's) that mention `text`. */
const entryWith = (page: Page, head: string, text: string) =>
  page.locator("article.kind-clip").filter({ has: page.locator("pre.caption", { hasText: head }) }).filter({ hasText: text });

describe.skipIf(!existsSync(CHROMIUM))("playground prompt challenge in Chromium", () => {
  it("start → two entries → votes → automatic end, shown in both threads", async () => {
    const [a, b] = [await tab(), await tab()];
    await say(a, "/challenge start theme: squares duration: 35s");
    const title = t("en", "challenge.announce.title", { theme: "squares" });
    for (const p of [a, b]) await p.locator("article p.text", { hasText: title }).first().waitFor({ timeout: 15_000 });

    await say(a, "/challenge submit a red square slides right");
    await say(b, "/sora a blue square");
    const enter = b.locator(`button[data-button-id^="sora:enterChallenge:"]`).first();
    await enter.waitFor({ timeout: 30_000 });
    await enter.click();
    const entryHead = (who: string) => t("en", "challenge.entry.title", { theme: "squares", author: who }).slice(0, 20);
    // Both entries reach both tabs, each with a vote button.
    await b.locator("article.kind-clip button", { hasText: "👍 0" }).nth(1).waitFor({ timeout: 30_000 });
    const entries = b.locator("article.kind-clip", { has: b.locator("pre.caption", { hasText: entryHead("") }) });
    expect(await entries.count()).toBe(2);

    // The entry whose prompt is A's: B votes for it; A's own press is refused; A toggles a vote on B's entry.
    const aEntryIn = (p: Page) => entryWith(p, entryHead(""), "a red square");
    const bEntryIn = (p: Page) => entryWith(p, entryHead(""), "a blue square");
    await aEntryIn(b).locator(`button[data-button-id^="sora:vote:"]`).click();
    await aEntryIn(a).locator("button", { hasText: "👍 1" }).waitFor({ timeout: 10_000 });
    await aEntryIn(a).locator(`button[data-button-id^="sora:vote:"]`).click();
    await a.locator("article.error", { hasText: t("en", "challenge.errors.selfVote") }).waitFor({ timeout: 10_000 });
    await bEntryIn(a).locator(`button[data-button-id^="sora:vote:"]`).click();
    await bEntryIn(b).locator("button", { hasText: "👍 1" }).waitFor({ timeout: 10_000 });
    await bEntryIn(a).locator(`button[data-button-id^="sora:vote:"]`).click();
    await bEntryIn(b).locator("button", { hasText: "👍 0" }).waitFor({ timeout: 10_000 });

    const over = t("en", "challenge.results.title", { theme: "squares" });
    for (const p of [a, b]) await p.locator("article p.text", { hasText: over }).waitFor({ timeout: 60_000 });
    const results = await b.locator("article p.text", { hasText: over }).textContent();
    // A's tag is the author shown on A's entry; the winner line names it.
    const aTag = /by (#\w+)/.exec((await aEntryIn(b).locator("pre.caption").textContent()) ?? "")?.[1];
    expect(aTag).toBeTruthy();
    expect(results).toContain(t("en", "challenge.results.winner", { author: aTag! }));
    // The reel is a clip job in the starter's thread.
    await a.locator("article.kind-clip pre.caption", { hasText: t("en", "clip.kind.stitch") }).waitFor({ timeout: 30_000 });
  });
});
