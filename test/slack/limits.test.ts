// Slack's side of what the kernel adapts to a platform, with the stub worker (a prepared noise video of exact size,
// no model) behind the real Bolt app on the fake Slack: the worker's preview on the progress message while it renders
// (uploaded as a private file, shown by an image block, deleted when replaced or done), and the upload-size fallback
// (re-encoded to fit the configured limit, else the link to our HTTP server, also when the workspace refuses a size).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipRecord } from "../../engine/store/index.ts";
import { probe } from "../../engine/video/index.ts";
import { encodePng } from "../../engine/synth/png.ts";
import { t } from "../../commands/i18n.ts";
import { noiseVideo, startStubWorker, type StubWorker } from "../discord/stub-worker.ts";
import { World } from "./harness.ts";
import type { Block, FakeMessage } from "./fake/server.ts";

const PUBLIC_URL = "https://sora.example.org";
const dir = mkdtempSync(join(tmpdir(), "sora-slack-limits-"));
let video: Buffer;

beforeAll(async () => {
  video = await noiseVideo(join(dir, "noise.mp4"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withWorld(opts: { maxUploadBytes?: number; preview?: Buffer; prepare?: (w: World) => void }, body: (w: World, stub: StubWorker) => Promise<void>): Promise<void> {
  const w = await World.start({ adapter: { publicUrl: PUBLIC_URL, ...(opts.maxUploadBytes ? { maxUploadBytes: opts.maxUploadBytes } : {}) } });
  opts.prepare?.(w);
  const stub = startStubWorker(w.prefix, w.store, video, { preview: opts.preview });
  try {
    await body(w, stub);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nadapter log:\n${w.logs.join("\n")}\ncalls: ${w.fake.state.calls.map((c) => c.method).join(" ")}\nmessages: ${JSON.stringify(w.fake.state.messages.map((m) => [m.ts, m.thread_ts, m.text.slice(0, 80)]))}`, { cause: err });
  } finally {
    stub.release();
    await stub.close();
    await w.close();
  }
}

/** A /sora and its outcome: the progress message, the caption-and-buttons message in its thread, the clip. */
async function sora(w: World, prompt = "a noisy square"): Promise<{ progress: FakeMessage; buttons: FakeMessage; clip: ClipRecord }> {
  await w.fake.slash(w.alice, w.general, prompt);
  const progress = await w.fake.waitFor(() => w.fake.state.thread(w.general.id).find((m) => m.bot_id), 10_000, "the progress message");
  const buttons = await w.fake.waitFor(() => w.fake.state.thread(w.general.id, progress.ts)
    .find((m) => m.bot_id && w.fake.buttons(m).some((b) => b.action_id.startsWith("sora:delete:"))), 60_000, "the clip's buttons");
  return { progress, buttons, clip: await w.clipOf(buttons) };
}

function uploadedClips(w: World): FakeMessage[] {
  return w.fake.state.messages.filter((m) => m.files?.some((f) => f.name.endsWith(".mp4")));
}

function previewOf(blocks: Block[] | undefined): string | undefined {
  return (blocks ?? []).filter((b) => b.type === "image").map((b) => (b.slack_file as { id: string }).id)[0];
}

describe("slack progress previews", () => {
  it("shows the worker's preview while rendering, then drops the image block and deletes the file", async () => {
    const preview = encodePng(new Uint8Array(16 * 16 * 3).fill(90), 16, 16);
    await withWorld({ preview }, async (w, stub) => {
      stub.hold = true;
      await w.fake.slash(w.alice, w.general, "a preview please");
      const progress = await w.fake.waitFor(() => w.fake.state.thread(w.general.id).find((m) => m.bot_id && previewOf(m.blocks)), 30_000, "the preview on the progress message");
      const file = w.fake.state.files.get(previewOf(progress.blocks)!)!;
      expect(file.data, "the worker's preview, as uploaded").toEqual(preview);
      expect(file.mimetype).toBe("image/png");
      // Uploaded privately: no message shares it.
      expect(w.fake.state.messages.filter((m) => m.files?.some((f) => f.id === file.id))).toEqual([]);
      const image = progress.blocks!.find((b) => b.type === "image")!;
      expect(image.alt_text).toBe(t("en", "slack.previewAlt"));

      stub.release();
      await w.fake.waitFor(() => progress.text.startsWith("Done"), 30_000, "done");
      expect(previewOf(progress.blocks), "no image once done").toBeUndefined();
      await w.fake.waitFor(() => file.deleted, 10_000, "the preview file deleted");
      expect(uploadedClips(w)).toHaveLength(1);
    });
  });

  it("a preview Slack will not show yet (invalid_blocks) is left out and deleted; the progress still updates", async () => {
    const preview = encodePng(new Uint8Array(8 * 8 * 3).fill(30), 8, 8);
    await withWorld({ preview }, async (w, stub) => {
      stub.hold = true;
      w.fake.state.imagesPending = true;
      await w.fake.slash(w.alice, w.general, "not ready yet");
      await w.fake.waitFor(() => w.logs.find((l) => l.includes("would not show preview file")), 30_000, "the refused preview");
      const progress = w.fake.state.thread(w.general.id).find((m) => m.bot_id)!;
      expect(progress.blockHistory.every((b) => previewOf(b) === undefined), "never shown").toBe(true);
      const [upload] = w.fake.state.callsOf("files.completeUploadExternal");
      const fileId = (JSON.parse(String(upload.args.files)) as { id: string }[])[0].id;
      await w.fake.waitFor(() => w.fake.state.files.get(fileId)!.deleted, 10_000, "the unshown preview deleted");
      stub.release();
      await w.fake.waitFor(() => progress.text.startsWith("Done"), 30_000, "done");
    });
  });

  it("a preview that cannot be uploaded (uploads off) is left out; the progress still updates", async () => {
    const preview = encodePng(new Uint8Array(8 * 8 * 3).fill(60), 8, 8);
    await withWorld({ preview }, async (w, stub) => {
      stub.hold = true;
      w.fake.state.uploadsDisabled = true;
      await w.fake.slash(w.alice, w.general, "no previews here");
      await w.fake.waitFor(() => w.logs.find((l) => l.includes("could not upload the preview")), 30_000, "the failed preview upload");
      const progress = w.fake.state.thread(w.general.id).find((m) => m.bot_id)!;
      expect(progress.blockHistory.every((b) => previewOf(b) === undefined)).toBe(true);
      w.fake.state.uploadsDisabled = false;
      stub.release();
      await w.fake.waitFor(() => progress.text.startsWith("Done"), 30_000, "done");
      expect(uploadedClips(w)).toHaveLength(1);
    });
  });
});

describe("slack upload limit", () => {
  it("a clip over the configured limit is re-encoded to fit and still plays", async () => {
    const limit = Math.floor(video.length * 0.7);
    await withWorld({ maxUploadBytes: limit }, async (w) => {
      const { buttons } = await sora(w);
      const [message] = uploadedClips(w);
      const f = message.files![0];
      expect(f.size).toBeLessThanOrEqual(limit);
      expect(f.size).toBeLessThan(video.length);
      writeFileSync(join(dir, "fitted.mp4"), f.data);
      expect((await probe(join(dir, "fitted.mp4"))).frames).toBe(16);
      expect(buttons.text, "no link when the video went up").not.toContain(PUBLIC_URL);
    });
  });

  it("a clip that cannot fit becomes a link to our HTTP server, with its buttons", async () => {
    await withWorld({ maxUploadBytes: 1500 }, async (w) => {
      const { buttons, clip } = await sora(w);
      expect(uploadedClips(w)).toEqual([]);
      expect(w.fake.state.callsOf("files.getUploadURLExternal"), "nothing uploaded").toEqual([]);
      expect(buttons.text).toContain(t("en", "clip.tooLargeLink", { url: `${PUBLIC_URL}/blobs/clips/${clip.id}/video.mp4` }));
      expect(w.fake.buttons(buttons).map((b) => b.action_id.split(":")[1])).toContain("extend");
    });
  });

  it("the workspace refuses the size (file_upload_size_restricted): the link, posted once", async () => {
    await withWorld({ prepare: (w) => void (w.fake.state.uploadRestrictionBytes = 1500) }, async (w) => {
      const { buttons, clip, progress } = await sora(w);
      expect(uploadedClips(w)).toEqual([]);
      expect(w.fake.state.callsOf("files.getUploadURLExternal").length, "the upload was tried").toBeGreaterThan(0);
      expect(buttons.text).toContain(`${PUBLIC_URL}/blobs/clips/${clip.id}/video.mp4`);
      const captions = w.fake.state.thread(w.general.id, progress.ts).filter((m) => m.bot_id && w.fake.buttons(m).length);
      expect(captions).toHaveLength(1);
      expect(w.logs.some((l) => l.includes("file_upload_size_restricted"))).toBe(true);
    });
  });
});
