// Issue 24's parity items in the playground, end to end in Chromium (the page, the HTTP server, the real queue on
// Redis, the kernel's Delivery): the queue position refreshed while a job waits, and /connect and /stitch of chosen
// clips of the session, named by the ids their captions show, with the refusals people get for clips that are not
// theirs to name. The worker is the stub (test/discord/stub-worker.ts) that holds its first job, so the line moves
// exactly once; the engine's interpolate is test/worker/kinds.test.ts's.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARAM_LIMITS } from "../../engine/queue/limits.ts";
import { t } from "../../commands/i18n.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "../discord/stub-worker.ts";
import { startTestPlayground, type TestPlayground } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);

describe.skipIf(!HAVE_CHROMIUM && !process.env.CI)("playground parity (Chromium)", () => {
  let tp: TestPlayground;
  let browser: BrowserContext | undefined;
  let page: Page;
  let stub: StubWorker | undefined;
  const dir = mkdtempSync(join(tmpdir(), "sora-pg-parity-"));

  beforeAll(async () => {
    tp = await startTestPlayground();
    browser = await chromium.launchPersistentContext(join(dir, "chromium"), {
      executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(tp.base);
    await page.waitForSelector("#status[data-state=connected]");
  }, 60_000);

  afterAll(async () => {
    stub?.release();
    await stub?.close();
    await browser?.close();
    await tp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const progress = () => page.locator("article.kind-progress .progress");
  const clips = () => page.locator("article.kind-clip");
  const errors = () => page.locator("article.error .text");

  async function send(text: string): Promise<void> {
    await page.fill("#text", text);
    await page.press("#text", "Enter");
  }

  /** The id the n-th clip's caption shows. */
  async function clipId(n: number): Promise<string> {
    const caption = (await clips().nth(n).locator(".caption").textContent()) ?? "";
    return /Clip id: (\S+)/.exec(caption)![1]!;
  }

  it("'position 3' becomes 'position 2' when the job ahead starts, then the job runs and is done", async () => {
    for (const p of ["a red ball", "a blue ball", "a green ball"]) {
      const before = await progress().count();
      await send(`/sora ${p}`);
      await page.waitForFunction((n) => document.querySelectorAll("article.kind-progress").length > n, before);
    }
    await page.waitForFunction(() => document.querySelectorAll("article.kind-progress .progress")[2]?.textContent?.startsWith("Waiting in line: position 3"));
    await page.evaluate(() => {
      const w = window as unknown as { third: string[] };
      w.third = [];
      new MutationObserver(() => {
        const text = document.querySelectorAll("article.kind-progress .progress")[2]?.textContent ?? "";
        if (w.third.at(-1) !== text) w.third.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    stub = startStubWorker(tp.prefix, tp.store, await noiseVideo(join(dir, "noise.mp4")));
    stub.hold = true;
    await page.waitForFunction(() => document.querySelectorAll("article.kind-progress .progress")[2]?.textContent?.startsWith("Waiting in line: position 2"));
    stub.release();
    await page.waitForFunction(() => [...document.querySelectorAll("article.kind-progress .progress")].slice(0, 3).every((e) => e.textContent?.startsWith("Done")), undefined, { timeout: 60_000 });
    const third = await page.evaluate(() => (window as unknown as { third: string[] }).third);
    const waiting = third.filter((x) => x.startsWith("Waiting")).map((x) => /position (\d+)/.exec(x)![1]);
    const moves = [...new Set(waiting)];
    // 1 shows too when the second job starts before the third does (the throttle may skip it).
    expect(moves.slice(0, 2), "moved up from 3 to 2 while the first job ran").toEqual(["3", "2"]);
    expect(moves.every((p, i) => i === 0 || Number(p) < Number(moves[i - 1])), "only ever forward").toBe(true);
    const lastWaiting = third.map((x) => x.startsWith("Waiting")).lastIndexOf(true);
    expect(third.slice(lastWaiting + 1).every((x) => !x.startsWith("Waiting")) && lastWaiting < third.length - 1, "ran after waiting").toBe(true);
    expect(await clips().count()).toBe(3);
  });

  it("/connect <id> <id> and /stitch <id> <id> post their clips in the session, with the clips named", async () => {
    const [a, b] = [await clipId(0), await clipId(1)];
    await send(`/connect ${a} ${b}`);
    await clips().nth(3).waitFor({ timeout: 60_000 });
    expect(await clips().nth(3).locator(".caption").textContent()).toMatch(new RegExp(`^${t("en", "clip.kind.interpolate")}`));
    expect(await tp.store.getClip(await clipId(3))).toMatchObject({ kind: "interpolate", parentId: a, params: { otherClipId: b } });

    await send(`/stitch ${b} ${a}`);
    await clips().nth(4).waitFor({ timeout: 60_000 });
    expect(await clips().nth(4).locator(".caption").textContent()).toMatch(/^Stitched video/);
    expect(await tp.store.getClip(await clipId(4))).toMatchObject({ kind: "stitch", parentId: a, params: { parts: [b, a] } });
  });

  it("bad names, another session's clip and too long a stitch: a localized refusal, nothing queued or posted", async () => {
    const a = await clipId(0);
    const mine = (await tp.store.getClip(a))!;
    const video = { data: await tp.store.readBlob(mine.files.video), ext: "mp4" };
    const session = mine.origin.conversation!;
    // Another visitor's clip (their session is their private thread), and a clip of this session too long to stitch.
    const secret = await tp.store.putClip({ kind: "generate", prompt: "private", expandedPrompt: "private", seed: 1, params: {}, frames: mine.frames,
      origin: { ...mine.origin, userId: "other-session", conversation: "other-session", place: { channelId: "playground", threadId: "other-session" } } }, { video });
    const long = await tp.store.putClip({ kind: "generate", prompt: "long", expandedPrompt: "long", seed: 1, params: {}, frames: { ...mine.frames, count: 600, fps: 8 },
      origin: mine.origin }, { video });
    await tp.links.linkThread("playground", session, long);
    const jobs = await tp.producer.queueInfo();
    const posted = await clips().count();
    const cases: [string, string][] = [
      [`/connect ../../etc/passwd ${a}`, t("en", "errors.badClipId", { value: "../../etc/passwd" })],
      [`/connect http://127.0.0.1:6379/ ${a}`, t("en", "errors.badClipId", { value: "http://127.0.0.1:6379/" })],
      [`/connect ${secret.id} ${a}`, t("en", "errors.clipNotHere", { value: secret.id })],
      [`/stitch ${a} clip_nothere`, t("en", "errors.clipNotHere", { value: "clip_nothere" })],
      [`/connect ${a}`, t("en", "errors.connectNeedsTwo")],
      [`/stitch ${a} ${long.id}`, t("en", "errors.stitchTooLong", { seconds: Math.round((mine.frames.count / mine.frames.fps + 75) * 10) / 10, max: PARAM_LIMITS.seconds.max })],
    ];
    for (const [i, [text, want]] of cases.entries()) {
      await send(text);
      await page.waitForFunction((n) => document.querySelectorAll("article.error .text").length > n, i);
      expect(await errors().nth(i).textContent(), text).toBe(want);
    }
    const after = await tp.producer.queueInfo();
    expect([after.waiting, after.running], "nothing queued").toEqual([jobs.waiting, jobs.running]);
    expect(await clips().count(), "nothing posted").toBe(posted);
  });
});
