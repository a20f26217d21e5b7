// /defaults in the playground, typed into the page in Debian's Chromium against a real playground (real Redis queue
// and defaults store under prefixes of their own; no worker: jobs only need queueing). Each visitor (a browser's
// session) manages its own defaults: what one presets fills in that visitor's later /sora, never another's.
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { t } from "../../commands/i18n.ts";
import { RedisServerDefaults } from "../../bot/core/defaults-store.ts";
import { cleanup } from "../queue/helpers.ts";
import { startTestPlayground, type TestPlayground } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"];

describe.skipIf(!HAVE_CHROMIUM && !process.env.CI)("playground /defaults (Chromium)", () => {
  const prefix = `test-pg-defaults-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis();
  const defaults = new RedisServerDefaults(redis, { prefix });
  let tp: TestPlayground;
  let browser: Browser;

  beforeAll(async () => {
    tp = await startTestPlayground({ defaults });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await tp?.close();
    await cleanup(redis, prefix);
    await redis.quit();
  });

  /** A new visitor: a browser context of its own, so a session of its own. */
  async function visitor(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(tp.base);
    await page.waitForSelector("#status[data-state=connected]");
    return page;
  }

  /** Send a line from the composer; the text of the bot's answer to it. */
  async function send(page: Page, text: string): Promise<string> {
    const before = await page.locator("article").count();
    await page.fill("#text", text);
    await page.press("#text", "Enter");
    await expect.poll(() => page.locator("article").count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 2);
    return (await page.locator("article").nth(before + 1).locator(".text").textContent()) ?? "";
  }

  /** A /sora's job as queued, found by the progress message's job id. */
  async function soraJob(page: Page, prompt: string): Promise<Record<string, unknown>> {
    const before = await page.locator("article.kind-progress").count();
    await page.fill("#text", `/sora ${prompt}`);
    await page.press("#text", "Enter");
    await expect.poll(() => page.locator("article.kind-progress").count(), { timeout: 30_000 }).toBe(before + 1);
    const jobId = await page.locator("article.kind-progress").nth(before).getAttribute("data-job-id");
    return (await tp.producer.status(jobId!)).job as unknown as Record<string, unknown>;
  }

  it("a visitor sets their defaults; their next /sora carries them; another visitor's does not", async () => {
    const mine = await visitor();
    expect(await send(mine, "/defaults steps: 3 aspect: 9:16")).toBe(t("en", "defaults.saved", { list: "aspect 9:16, 3 steps" }));
    expect(await send(mine, "/defaults")).toBe(t("en", "defaults.current", { list: "aspect 9:16, 3 steps" }));
    expect(await soraJob(mine, "a red ball --steps 5")).toMatchObject({ kind: "generate", prompt: "a red ball", steps: 5, aspect: "9:16" });

    const other = await visitor();
    const theirs = await soraJob(other, "a green star");
    expect(theirs.steps, "another visitor keeps the bot's own settings").toBeUndefined();
    expect(theirs.aspect).not.toBe("9:16");
    expect(await send(other, "/defaults")).toBe(t("en", "defaults.none"));
    await other.context().close();
    await mine.context().close();
  });

  it("a bad value is refused in the picked language and changes nothing; reset clears", async () => {
    const page = await visitor();
    await page.selectOption("#lang", "de");
    await page.waitForFunction(() => document.querySelector("#send")?.textContent !== "Send");
    expect(await send(page, "/defaults steps: 7")).toBe(t("de", "defaults.saved", { list: t("de", "defaults.items.steps", { value: 7 }) }));
    const bad = await send(page, "/defaults steps: ../../etc/passwd");
    expect(bad).toBe(t("de", "errors.badInteger", { flag: "steps", min: 1, max: 100, value: "../../etc/passwd" }));
    expect(await send(page, "defaults")).toBe(t("de", "defaults.current", { list: t("de", "defaults.items.steps", { value: 7 }) }));
    expect(await send(page, "/defaults reset: true")).toBe(t("de", "defaults.cleared"));
    expect(await send(page, "defaults")).toBe(t("de", "defaults.none"));
    await page.context().close();
  });
});
