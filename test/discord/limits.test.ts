// Discord's platform limits, with a stub worker that stores a prepared noise video (exact sizes, no model): the
// upload limit (re-encode to fit, else a link to our HTTP server, also when Discord refuses a size it advertised),
// the 15-minute interaction token (progress continues through the channel), and the Message Content intent (a
// start-up notice and mention-only replies without it; a portal refusal at connect falls back the same way).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipRecord } from "../../engine/store/index.ts";
import { probe } from "../../engine/video/index.ts";
import { t } from "../../commands/i18n.ts";
import { encodePng } from "../../engine/synth/png.ts";
import { World } from "./harness.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "./stub-worker.ts";
import type { FakeMessage } from "./fake/server.ts";

// PUBLIC_URL: clips too large to upload are linked under its "/blobs", where our HTTP server serves store blobs.
const PUBLIC_URL = "https://sora.example.org";
const PUBLIC = `${PUBLIC_URL}/blobs`;
const dir = mkdtempSync(join(tmpdir(), "sora-discord-limits-"));
let video: Buffer;

beforeAll(async () => {
  video = await noiseVideo(join(dir, "noise.mp4"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withWorld(opts: Parameters<typeof World.start>[0] & { preview?: Buffer }, body: (w: World, stub: StubWorker) => Promise<void>): Promise<void> {
  const w = await World.start({ ...opts, adapter: { progressIntervalMs: 100, publicUrl: PUBLIC_URL, ...opts?.adapter } });
  const stub = startStubWorker(w.prefix, w.store, video, { preview: opts.preview });
  try {
    await body(w, stub);
  } catch (err) {
    // What the adapter logged is the first thing to read when a limit test fails.
    throw new Error(`${(err as Error).message}\nadapter log:\n${w.logs.join("\n")}`, { cause: err });
  } finally {
    stub.release();
    await stub.close();
    await w.close();
  }
}

async function clipIn(w: World, channelId: string, after = 0): Promise<{ message: FakeMessage; clip: ClipRecord }> {
  const message = await w.fake.waitFor(() => w.fake.channelMessages(channelId).slice(after)
    .find((m) => m.author.id === w.fake.bot.id && m.embeds.length > 0), 60_000, "a clip message");
  let clip: ClipRecord | undefined;
  for (let n = 0; n < 100 && !clip; n++) {
    clip = await w.links.clipForMessage("discord", message.id);
    if (!clip) await new Promise((r) => setTimeout(r, 20));
  }
  return { message, clip: clip! };
}

async function sora(w: World, prompt = "a noisy square"): Promise<{ message: FakeMessage; clip: ClipRecord; threadId: string }> {
  const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt });
  const thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id).find((c) => c.id === i.originalId), 60_000, "a thread");
  return { ...(await clipIn(w, thread.id)), threadId: thread.id };
}

describe("upload limit", () => {
  it("a clip over the limit is re-encoded to fit and still plays", async () => {
    const limit = Math.floor(video.length * 0.7);
    await withWorld({ uploadLimit: limit }, async (w) => {
      const { message } = await sora(w);
      const file = message.attachments[0];
      expect(file?.filename).toMatch(/\.mp4$/);
      expect(file.size).toBeLessThanOrEqual(limit);
      const path = join(dir, "fitted.mp4");
      writeFileSync(path, Buffer.from(await (await fetch(file.url)).arrayBuffer()));
      expect((await probe(path)).frames).toBe(16);
    });
  });

  it("a clip that cannot fit becomes a link to our HTTP server", async () => {
    await withWorld({ uploadLimit: 1500 }, async (w) => {
      const { message, clip } = await sora(w);
      expect(message.attachments).toEqual([]);
      expect(message.content).toBe(t("en", "clip.tooLargeLink", { url: `${PUBLIC}/clips/${clip.id}/video.mp4` }));
      expect(message.components.length, "buttons still there").toBe(2);
    });
  });

  it("Discord refuses (413) a size its advertised limit allowed: the link, posted once", async () => {
    await withWorld({ uploadLimit: 1500, prepare: (w) => void (w.guild.reportedUploadLimit = 10 * 1024 * 1024) }, async (w) => {
      const { message, threadId } = await sora(w);
      expect(message.content).toContain(`${PUBLIC}/clips/clip_`);
      expect(w.fake.requests.some((r) => r.status === 413 && r.path === `/channels/${threadId}/messages`)).toBe(true);
      expect(w.fake.channelMessages(threadId).filter((m) => m.embeds.length)).toHaveLength(1);
    });
  });
});

describe("the 15-minute interaction token", () => {
  it("once Discord calls the token invalid, progress goes on through the channel and the clip still arrives", async () => {
    await withWorld({}, async (w, stub) => {
      stub.hold = true;
      const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt: "a long wait" }, "es-ES");
      const progress = await w.fake.waitFor(() => {
        const m = w.fake.original(i);
        return m && /%/.test(m.content) ? m : undefined;
      }, 30_000, "the job running");
      w.fake.expireToken(i);
      stub.release();
      const thread = await w.fake.waitFor(() => w.fake.threadsOf(w.general.id)[0], 30_000, "a thread");
      await clipIn(w, thread.id);
      await w.fake.waitFor(() => progress.content.startsWith(t("es", "progress.done")), 30_000, "the final edit");
      const patches = w.fake.requests.filter((r) => r.method === "PATCH");
      expect(patches.some((r) => r.path.startsWith("/webhooks/") && r.status === 401)).toBe(true);
      expect(patches.some((r) => r.path === `/channels/${w.general.id}/messages/${progress.id}` && r.status === 200)).toBe(true);
      expect(w.logs.some((l) => l.includes("interaction token") && l.includes("channel"))).toBe(true);
    });
  });
});

describe("the Message Content intent", () => {
  it("not granted: a notice at start-up, plain thread messages ignored, a mention still continues the clip", async () => {
    await withWorld({ messageContent: false }, async (w) => {
      expect(w.adapter!.messageContent).toBe(false);
      expect(w.fake.gateway.identifies.at(-1)!.intents & (1 << 15)).toBe(0);
      expect(w.logs).toContain(`discord: ${t("en", "startup.messageContentMissing")}`);
      const { clip, threadId } = await sora(w);

      const before = w.fake.channelMessages(threadId).length;
      w.fake.say(w.alice, threadId, "it moves left");
      await new Promise((r) => setTimeout(r, 1000));
      expect(w.fake.channelMessages(threadId).length, "no answer without the text").toBe(before + 1);

      w.fake.say(w.alice, threadId, `<@${w.fake.bot.id}> it moves left`);
      const ext = await clipIn(w, threadId, before + 1);
      expect(ext.clip).toMatchObject({ kind: "extend", parentId: clip.id, prompt: "it moves left" });
    });
  });

  it("the flags said yes but the gateway refuses the intent (4014): connects again without it", async () => {
    await withWorld({ messageContent: false, prepare: (w) => void (w.fake.reportedFlags = 1 << 19) }, async (w) => {
      expect(w.adapter!.messageContent).toBe(false);
      const intents = w.fake.gateway.identifies.map((x) => (x.intents & (1 << 15)) !== 0);
      expect(intents).toEqual([true, false]);
      expect(w.logs).toContain(`discord: ${t("en", "startup.messageContentMissing")}`);
      await sora(w);
    });
  });
});

describe("progress", () => {
  it("shows the worker's preview image while running and drops it when done", async () => {
    const preview = encodePng(new Uint8Array(16 * 16 * 3).fill(90), 16, 16);
    await withWorld({ preview }, async (w, stub) => {
      stub.hold = true;
      const i = w.fake.slash(w.alice, w.general.id, "sora", { prompt: "a preview please" });
      const progress = await w.fake.waitFor(() => {
        const m = w.fake.original(i);
        return m?.attachments.some((a) => a.filename === "preview.png") ? m : undefined;
      }, 30_000, "the preview on the progress message");
      const shown = Buffer.from(await (await fetch(progress.attachments[0].url)).arrayBuffer());
      expect(shown).toEqual(preview);
      stub.release();
      await w.fake.waitFor(() => progress.content.startsWith("Done"), 30_000, "done");
      expect(progress.attachments).toEqual([]);
    });
  });
});
