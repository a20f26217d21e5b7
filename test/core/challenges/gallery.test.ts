// The gallery page on our HTTP server, in Chromium: every entry's animated preview plays (decoded by the browser),
// the leaderboard is in vote order, people's text is escaped, the page follows the reader's language, and the media
// route serves only the previews and videos of that challenge's entries. SORA_GALLERY_SCREENSHOT=<file.png> saves a
// screenshot of it (the README's).
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { encodePreview } from "../../../engine/video/index.ts";
import { t } from "../../../commands/i18n.ts";
import { HttpServer } from "../../../bot/http/server.ts";
import { ChallengeGallery } from "../../../bot/core/challenges/gallery.ts";
import { squareClip } from "../../video/synthetic.ts";
import { ChallengeWorld } from "./world.ts";

const CHROMIUM = "/usr/bin/chromium";
const w = new ChallengeWorld();
const http = new HttpServer(() => undefined);
let base = "";
let browser: Browser | undefined;
let id = "";
const clips: string[] = [];

beforeAll(async () => {
  const k = w.kernel(false);
  const dir = await mkdtemp(join(tmpdir(), "sora-gallery-"));
  const entrants: [string, string, [number, number, number]][] = [
    ["alice", "a red square <script>alert(1)</script> slides right", [230, 30, 30]],
    ["bob", "a green square drifts", [40, 200, 60]],
    ["carol", "a blue square & a \"quote\"", [50, 90, 230]],
  ];
  const c = await k.start(w.place, { theme: "Squares <b>on parade</b>", durationMs: 3_600_000, entriesPerUser: 1, by: { userId: "mod" }, locale: "en", eventId: "gallery" });
  id = c.id;
  for (const [user, prompt, color] of entrants) {
    const file = join(dir, `${user}.webp`);
    await encodePreview(squareClip({ color, frames: 12 }), file, { shortSide: 128 });
    const clip = await w.store.putClip({
      kind: "generate", prompt, expandedPrompt: prompt, seed: 1, params: {}, frames: { width: 64, height: 64, fps: 8, count: 12 },
      origin: { platform: "discord", userId: user, serverId: "guild-1", locale: "en" },
    }, { video: { data: Buffer.from("mp4"), ext: "mp4" }, preview: { data: readFileSync(file), ext: "webp" } });
    await k.enterClip(c, clip, { userId: user, name: user });
    clips.push(clip.id);
  }
  await k.vote(clips[1]!, { platform: "discord", userId: "alice" }, "g1");
  await k.vote(clips[1]!, { platform: "discord", userId: "carol" }, "g2");
  await k.vote(clips[2]!, { platform: "discord", userId: "bob" }, "g3");
  const gallery = new ChallengeGallery({ state: k.state, store: w.store });
  http.mount(["GET", "HEAD"], "/challenges/", (req, res, url) => gallery.handle(req, res, url));
  base = (await http.listen(0)).replace(/\/+$/, "");
  await rm(dir, { recursive: true, force: true });
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await http.close();
  await w.close();
});

describe("the challenge gallery", () => {
  it("shows the leaderboard in vote order with people's text escaped, in the reader's language", async () => {
    const res = await fetch(`${base}/challenges/${id}`, { headers: { "accept-language": "fr-FR,fr;q=0.9" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Squares &lt;b&gt;on parade&lt;/b&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain(t("fr", "challenge.page.leaderboard"));
    const order = ["bob", "carol", "alice"].map((u) => html.indexOf(`<td>${u}</td>`));
    expect(order.every((n, i) => n > 0 && (i === 0 || n > order[i - 1]!))).toBe(true);
  });

  it("serves only this challenge's entries' media", async () => {
    expect((await fetch(`${base}/challenges/${id}/media/${clips[0]}.webp`)).headers.get("content-type")).toBe("image/webp");
    const other = await w.clip("mallory");
    for (const path of [`/challenges/${id}/media/${other.id}.webp`, `/challenges/${id}/media/..%2F..%2Fetc.webp`, "/challenges/nope", "/challenges/%2e%2e/x"]) {
      expect((await fetch(base + path)).status, path).toBe(404);
    }
  });

  it.skipIf(!existsSync(CHROMIUM))("plays every entry's animated preview in Chromium", async () => {
    const page = await browser!.newPage({ viewport: { width: 900, height: 640 } });
    await page.goto(`${base}/challenges/${id}?lang=en`);
    const sizes = await page.locator("figure img").evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map(async (i) => {
      await i.decode();
      return i.naturalWidth;
    })));
    expect(sizes).toEqual([128, 128, 128]);
    expect(await page.locator("h1").textContent()).toBe("Squares <b>on parade</b>");
    const shot = process.env.SORA_GALLERY_SCREENSHOT;
    if (shot) await writeFile(shot, await page.screenshot({ fullPage: true }));
    await page.close();
  });
});
