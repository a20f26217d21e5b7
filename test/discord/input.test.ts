// Bad input never reaches the queue: each case gets one clear, private answer in the person's language. No worker
// runs here; a good request (an image to animate) is the control that does queue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePng } from "../../engine/synth/png.ts";
import { t } from "../../commands/i18n.ts";
import { World } from "./harness.ts";
import type { FakeAttachment, FakeInteraction, FakeMessage, OptionValue } from "./fake/server.ts";

let w: World;
const MAX_IMAGE = 64 * 1024;

beforeAll(async () => {
  w = await World.start({ adapter: { maxImageBytes: MAX_IMAGE } });
});

afterAll(async () => {
  await w?.close();
});

const png = encodePng(new Uint8Array(32 * 18 * 3).fill(200), 32, 18);

async function answer(i: FakeInteraction): Promise<FakeMessage> {
  return w.fake.waitFor(() => w.fake.answers(i).find((m) => m.content), 30_000, "an answer");
}

async function refused(options: Record<string, OptionValue>, locale = "en-US"): Promise<FakeMessage> {
  const before = await w.jobCount();
  const i = w.fake.slash(w.alice, w.general.id, "sora", options, locale);
  const m = await answer(i);
  expect(m.flags & 64, "ephemeral").toBe(64);
  expect(w.fake.answers(i).filter((x) => !(x.flags & 64)), "nothing public").toEqual([]);
  expect(await w.jobCount(), "nothing queued").toBe(before);
  return m;
}

describe("bad input → one private, localized answer and nothing queued", () => {
  it("an empty prompt (Portuguese)", async () => {
    expect((await refused({ prompt: "   " }, "pt-BR")).content).toBe(t("pt-BR", "errors.emptyPrompt"));
  });

  it("an unknown flag", async () => {
    expect((await refused({ prompt: "a star --sparkle 3" })).content).toMatch(/^Unknown flag --sparkle\. Flags: --ar /);
  });

  it("a blocked word (Japanese), logged without the prompt", async () => {
    const m = await refused({ prompt: "a nude statue" }, "ja");
    expect(m.content).toBe(t("ja", "errors.blocked"));
    const line = w.logs.find((l) => l.startsWith("moderation: refused"));
    expect(line).toContain(`user=${w.alice.id}`);
    expect(line).not.toContain("statue");
  });

  it("an attachment that is not an image", async () => {
    const file = w.fake.upload("notes.txt", Buffer.from("just some words"), "text/plain");
    expect((await refused({ prompt: "animate this", image: file })).content).toBe(t("en", "errors.notImage"));
  });

  it("a file that says it is a PNG but is not one", async () => {
    const file = w.fake.upload("fake.png", Buffer.from("GIF? no. just text pretending"), "image/png");
    expect((await refused({ prompt: "animate this", image: file })).content).toMatch(/^That attachment is not an image/);
  });

  it("an image over the size cap, whether Discord says so or the download shows it", async () => {
    const huge = w.fake.upload("huge.png", Buffer.concat([png, Buffer.alloc(MAX_IMAGE)]), "image/png");
    expect((await refused({ image: huge, prompt: "" })).content).toBe("That image is too large: at most 0 MiB.");
    const liar: FakeAttachment = { ...huge, size: 100 };
    expect((await refused({ image: liar, prompt: "" })).content).toMatch(/^That image is too large/);
  });

  it("an attachment URL off Discord's CDN (German)", async () => {
    const real = w.fake.upload("ok.png", png, "image/png");
    const elsewhere: FakeAttachment = { ...real, url: "https://example.com/ok.png", proxy_url: "https://example.com/ok.png" };
    expect((await refused({ prompt: "", image: elsewhere }, "de")).content).toBe(t("de", "errors.attachmentHost"));
    const otherPort: FakeAttachment = { ...real, url: real.url.replace(w.fake.cdnHost, "127.0.0.1:9") };
    expect((await refused({ prompt: "", image: otherPort })).content).toMatch(/^I only use files uploaded to this chat/);
  });

  it("a slow request that then fails: deferred in time, and the public 'thinking…' is replaced by a private answer", async () => {
    await w.restartAdapter({ deferAfterMs: 50 });
    w.fake.cdnDelayMs = 400;
    try {
      const before = await w.jobCount();
      const file = w.fake.upload("slow.png", Buffer.from("not a picture at all"), "image/png");
      const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt: "", image: file }, "fr");
      const m = await answer(i);
      expect(i.callbackType).toBe(5);
      expect(i.callbackAt! - i.createdAt).toBeLessThan(3000);
      expect(w.fake.original(i)?.deleted, "the deferral is removed").toBe(true);
      expect(m.flags & 64).toBe(64);
      expect(m.content).toBe(t("fr", "errors.notImage"));
      expect(await w.jobCount()).toBe(before);
    } finally {
      w.fake.cdnDelayMs = 0;
      await w.restartAdapter();
    }
  });

  it("control: a real image from the CDN is stored and an animate job is queued", async () => {
    const before = await w.jobCount();
    const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt: "", image: w.fake.upload("cat.png", png, "image/png") });
    const m = await answer(i);
    expect(m.flags & 64).toBe(0);
    expect(m.content).toMatch(/^Waiting in line: position/);
    expect(await w.jobCount()).toBe(before + 1);
    const status = await w.producer.status(`discord-${i.id}`);
    expect(status.job).toMatchObject({ kind: "animate", origin: { platform: "discord", userId: w.alice.id } });
    expect(await w.store.readBlob(status.job!.imageRef!)).toEqual(png);
  });

  it("/queue and /info answer privately in the asker's language", async () => {
    const q = w.fake.slash(w.mallory, w.general.id, "queue", {}, "ja");
    const qm = await answer(q);
    expect(qm.flags & 64).toBe(64);
    expect(qm.content.split("\n")[0]).toBe(t("ja", "status.title"));
    const i = w.fake.slash(w.mallory, w.general.id, "info", {}, "es-419");
    const im = await answer(i);
    expect(im.content).toContain(t("es", "info.model", { model: "tiny-sora-test" }));
  });
});
