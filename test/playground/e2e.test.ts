// End to end: `npm start`'s entry point as a child process (real Redis under a unique queue prefix, the real engine
// worker with the shipped model at 4 steps, an fs store in a temporary folder, a free port), driven through the page
// in Debian's Chromium: a /sora prompt shows progress and then a playable MP4, a reply extends the clip, the Stitch
// button joins them, an attached image is animated, the language picker relabels the page and bad input is refused
// in that language, /metrics counted it all, and SIGTERM shuts everything down cleanly.
// Skipped only when /usr/bin/chromium is missing outside CI (.ci/run installs it, so in CI it always runs).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../engine/queue/connection.ts";
import { encodePng } from "../../engine/synth/png.ts";
import { sparePort } from "../../bot/start/redis.ts";
import { cleanup } from "../queue/helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A 64×64 picture to animate: a red square on blue. */
function squareOnBlue(): Uint8Array {
  const rgb = new Uint8Array(64 * 64 * 3);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const inside = x >= 20 && x < 44 && y >= 20 && y < 44;
      rgb.set(inside ? [220, 30, 30] : [30, 60, 200], (y * 64 + x) * 3);
    }
  }
  return rgb;
}

if (!HAVE_CHROMIUM && !process.env.CI) {
  console.warn(`playground e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it in CI)`);
}

describe.skipIf(!HAVE_CHROMIUM && !process.env.CI)("playground end to end (npm start + Chromium)", () => {
  const prefix = `sora-e2e-${randomUUID().slice(0, 8)}`;
  let child: ChildProcess;
  let output = "";
  let base = "";
  let storeDir = "";
  let userDataDir = "";
  let browser: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    const port = await sparePort();
    storeDir = await mkdtemp(join(tmpdir(), "sora-e2e-store-"));
    userDataDir = await mkdtemp(join(tmpdir(), "sora-e2e-chromium-"));
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ["--import", "tsx", "bot/start/cli.ts"], {
      cwd: ROOT,
      env: {
        ...process.env, PORT: String(port), HOST: "127.0.0.1", SORA_QUEUE_PREFIX: prefix, SORA_STORE: "fs",
        SORA_STORE_DIR: storeDir, SORA_THREADS: "1", SORA_LOG_LOCALE: "en", DISCORD_TOKEN: "", SLACK_BOT_TOKEN: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    // Ready when the page answers and a worker (ours, with the model loaded) is connected to the queue.
    const end = Date.now() + 110_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      const h = await fetch(`${base}/health`).then((r) => r.json()).catch(() => undefined);
      if (h?.workers?.seen >= 1) break;
      if (Date.now() > end) throw new Error(`npm start did not become healthy:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1180, height: 1900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) child.kill("SIGKILL");
    const redis = connectRedis();
    await cleanup(redis, prefix);
    await redis.quit();
    await rm(storeDir, { recursive: true, force: true });
    await rm(userDataDir, { recursive: true, force: true });
  });

  /** The clip messages in the thread, oldest first. */
  const clips = () => page.locator("article.kind-clip");

  async function checkMp4(src: string): Promise<{ frames: number; codec: string }> {
    const res = await fetch(new URL(src, base));
    expect(res.headers.get("content-type")).toBe("video/mp4");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    const file = join(storeDir, `${randomUUID()}.mp4`);
    await writeFile(file, bytes);
    const probe = spawnSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames",
      "-show_entries", "stream=codec_name,nb_read_frames", "-of", "json", file], { encoding: "utf8" });
    const s = JSON.parse(probe.stdout).streams[0];
    return { codec: s.codec_name, frames: Number(s.nb_read_frames) };
  }

  it("a /sora prompt shows progress, then a playable clip; a reply extends it; Stitch joins them; an image animates", async () => {
    await page.goto(base);
    await page.waitForSelector("#status[data-state=connected]");
    expect(await page.locator("#send").textContent()).toBe("Send");
    expect(await page.title()).toBe("Sora playground");

    // Every progress text the page ever shows, so we know the bar was seen moving, not only the end.
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      new MutationObserver(() => {
        for (const e of document.querySelectorAll(".kind-progress .progress")) {
          if (!w.seen.includes(e.textContent ?? "")) w.seen.push(e.textContent ?? "");
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    await page.fill("#text", "/sora a red ball bouncing on a blue background --steps 4 --seed 3");
    await page.press("#text", "Enter");
    await page.waitForSelector("article.kind-progress");
    await clips().first().waitFor({ timeout: 90_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.some((s) => /^Waiting in line|%/.test(s))).toBe(true);
    await page.waitForFunction(() => [...document.querySelectorAll(".kind-progress .progress")].some((e) => e.textContent?.startsWith("Done")));

    const first = clips().first();
    expect(await first.locator(".caption").textContent()).toContain("a red ball bouncing on a blue background");
    const src1 = (await first.locator("video").getAttribute("src"))!;
    const mp4 = await checkMp4(src1);
    expect(mp4.codec).toBe("h264");
    expect(mp4.frames).toBeGreaterThan(1);
    // The browser itself decodes it (Debian's Chromium plays H.264).
    await page.waitForFunction((src) => {
      const v = document.querySelector(`video[src="${src}"]`) as HTMLVideoElement | null;
      return v !== null && v.readyState >= 2 && v.videoWidth > 0;
    }, src1, { timeout: 20_000 });
    const labels = await first.locator(".buttons button").allTextContents();
    expect(labels).toEqual(["Extend", "Extend backwards", "Remix", "Reroll", "Loop", "Stitch", "Delete"]);

    // A reply to the clip continues it.
    await first.locator(".replybox input[type=text]").fill("the ball keeps bouncing --steps 4");
    await first.locator(".replybox input[type=text]").press("Enter");
    await expect.poll(() => clips().count(), { timeout: 90_000 }).toBe(2);
    const second = clips().nth(1);
    expect(await second.locator(".caption").textContent()).toMatch(/^Extension/);
    const ext = await checkMp4((await second.locator("video").getAttribute("src"))!);
    // The extension's clip holds the new frames; Stitch below shows the whole chain.
    expect(ext.frames).toBeGreaterThan(1);

    // The Stitch button under the extension: the lineage as one video.
    await second.locator("button", { hasText: "Stitch" }).click();
    await expect.poll(() => clips().count(), { timeout: 90_000 }).toBe(3);
    const stitched = clips().nth(2);
    expect(await stitched.locator(".caption").textContent()).toMatch(/^Stitched video/);
    const joined = await checkMp4((await stitched.locator("video").getAttribute("src"))!);
    expect(joined.frames).toBeGreaterThan(Math.max(mp4.frames, ext.frames));
    await page.waitForFunction(() => [...document.querySelectorAll("video")].every((v) => v.readyState >= 2), undefined, { timeout: 20_000 });

    // An image attached to /sora is brought to life (upload → conditioning frame in the store → the worker).
    const png = encodePng(squareOnBlue(), 64, 64);
    await page.setInputFiles("#composer input[type=file]", { name: "square.png", mimeType: "image/png", buffer: png });
    await page.waitForSelector("#attached:not([hidden])");
    await page.fill("#text", "/sora a red square --steps 4");
    await page.press("#text", "Enter");
    await expect.poll(() => clips().count(), { timeout: 90_000 }).toBe(4);
    expect(await clips().nth(3).locator(".caption").textContent()).toMatch(/^Animated image/);
    await checkMp4((await clips().nth(3).locator("video").getAttribute("src"))!);

    // The whole thread in one picture: grow the window until nothing scrolls.
    const extra = await page.evaluate(() => {
      const t = document.querySelector("#thread")!;
      return t.scrollHeight - t.clientHeight;
    });
    await page.setViewportSize({ width: 1180, height: 1900 + Math.max(0, extra) });
    await mkdir(join(ROOT, "out"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "out", "playground.png") });
    await page.setViewportSize({ width: 1180, height: 1900 });
  }, 300_000);

  it("bad input is answered in the picked language, with nothing queued", async () => {
    await page.selectOption("#lang", "ja");
    await page.waitForFunction(() => document.querySelector("#send")?.textContent === "送信");
    const before = await page.locator("article").count();
    await page.fill("#text", "/sora a ball --bogus 3");
    await page.press("#text", "Enter");
    await expect.poll(() => page.locator("article").count()).toBe(before + 2);
    const answer = page.locator("article").last();
    expect(await answer.getAttribute("class")).toContain("error");
    expect(await answer.locator(".text").textContent()).toMatch(/--bogus/);
    expect(await answer.locator(".note").textContent()).toBe("あなただけに表示されています");
    const h = await (await fetch(`${base}/health`)).json();
    expect(h.queue).toMatchObject({ waiting: 0, active: 0 });
    await page.selectOption("#lang", "en");
  });

  it("/metrics counted the clips; SIGTERM shuts down cleanly", async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const kind of ["generate", "extend", "stitch", "animate"]) expect(metrics).toContain(`sora_jobs_completed_total{kind="${kind}"} 1`);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("Stopped.");
  }, 60_000);
});
