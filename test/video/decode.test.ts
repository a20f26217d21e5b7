import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage, decodeToFrames } from "../../engine/video/decode.ts";
import { encodeMp4 } from "../../engine/video/encode.ts";
import { encodePreview } from "../../engine/video/preview.ts";
import { writeThumbnail } from "../../engine/video/thumbnail.ts";
import { hasEncoder, resolveBinaries } from "../../engine/video/ffmpeg.ts";
import { VideoDecodeError } from "../../engine/video/errors.ts";
import { pixel, redCentroid, squareClip, squareX } from "./synthetic.ts";

const webpAvailable = await hasEncoder("libwebp_anim");

let dir: string;
let wideMp4: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "video-decode-"));
  // 16:9 source (448×256 after encoding), square starting at x = 30 so it stays inside the centre crop.
  wideMp4 = (await encodeMp4(squareClip({ width: 112, height: 64, frames: 9, x0: 30 }), join(dir, "wide.mp4"))).file;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("decodeToFrames", () => {
  it("cover: scales a 16:9 video to fill 64×64 and crops the sides", async () => {
    const clip = await decodeToFrames(wideMp4, { width: 64, height: 64, fit: "cover" });
    expect(clip).toMatchObject({ width: 64, height: 64, fps: 8 });
    expect(clip.frames).toHaveLength(9);
    expect(clip.frames[0].data.length).toBe(64 * 64 * 3);
    // Source x (in 112-wide units) maps to x - 24 after center-cropping 112 → 64 at the same scale.
    const c = redCentroid(clip.frames[8]);
    expect(c.count).toBeGreaterThan(200);
    expect(Math.abs(c.x - (squareX(8, { x0: 30 }) + 7.5 - 24))).toBeLessThan(1.5);
    expect(Math.abs(c.y - 31.5)).toBeLessThan(1.5);
  });

  it("contain letterboxes in black, fill stretches; maxFrames and fps resampling", async () => {
    const contain = await decodeToFrames(wideMp4, { width: 64, height: 64, fit: "contain", maxFrames: 2 });
    expect(contain.frames).toHaveLength(2);
    expect(pixel(contain.frames[0], 32, 2)).toEqual([0, 0, 0]); // letterbox bar
    const fill = await decodeToFrames(wideMp4, { width: 32, height: 32, fit: "fill", fps: 4 });
    expect(fill.fps).toBe(4);
    expect(fill.frames.length).toBeGreaterThanOrEqual(4);
    expect(fill.frames.length).toBeLessThanOrEqual(5);
  });

  it("reads PNG, JPEG and GIF files (and static WebP) into model-size frames", async () => {
    const clip = squareClip();
    const png = await writeThumbnail(clip, join(dir, "a.png"), { frame: 4 });
    const jpg = await writeThumbnail(clip, join(dir, "a.jpg"), { frame: 4 });
    const gif = await encodePreview(clip, join(dir, "a.gif"));
    for (const file of [png.file, jpg.file]) {
      const img = await decodeImage(file, 64);
      expect([img.width, img.height]).toEqual([64, 64]);
      // At a frame rate too (interpolating between two pictures asks for one): a still is one frame at any rate.
      const atRate = await decodeToFrames(file, { width: 64, height: 64, fps: 8 });
      expect(atRate.frames).toHaveLength(1);
      expect(Math.abs(redCentroid(img).x - (squareX(4) + 7.5))).toBeLessThan(1.5);
    }
    const g = await decodeToFrames(gif.file, { width: 64, height: 64 });
    expect(g.frames).toHaveLength(17);
    expect(g.fps).toBeCloseTo(8, 0);
    const still = await decodeToFrames(png.file, { width: 48, height: 48 });
    expect(still).toMatchObject({ width: 48, height: 48, fps: 8 });
    expect(still.frames).toHaveLength(1);
    const small = await decodeImage(png.file, { width: 64, height: 112 }); // 9:16 crop of a square image
    expect([small.width, small.height, small.data.length]).toEqual([64, 112, 64 * 112 * 3]);
    if (await hasEncoder("libwebp")) {
      // A still WebP, as a user might upload (ffmpeg decodes those, unlike animated ones).
      const webp = join(dir, "still.webp");
      execFileSync(resolveBinaries().ffmpeg, ["-v", "error", "-i", png.file, "-c:v", "libwebp", "-quality", "90", webp]);
      expect(Math.abs(redCentroid(await decodeImage(webp, 64)).x - (squareX(4) + 7.5))).toBeLessThan(1.5);
    }
  });

  it.runIf(webpAvailable)("refuses animated WebP with a clear reason (ffmpeg 5.1 cannot decode it)", async () => {
    const p = await encodePreview(squareClip(), join(dir, "a.webp"));
    await expect(decodeToFrames(p.file, { width: 64, height: 64 })).rejects.toThrow(/animated WebP/);
  });

  it("gives a clear VideoDecodeError for random bytes, a text file, a playlist, a truncated video, a missing file", async () => {
    const rand = join(dir, "random.mp4");
    await writeFile(rand, randomBytes(4096));
    const text = join(dir, "notes.txt");
    await writeFile(text, "This is not a picture.\n".repeat(200));
    // An HLS playlist posing as a video: must be refused without ffmpeg following it.
    const playlist = join(dir, "playlist.mp4");
    await writeFile(playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/hostname\n#EXT-X-ENDLIST\n");
    const mp4 = await readFile(wideMp4);
    const truncated = join(dir, "truncated.mp4");
    await writeFile(truncated, mp4.subarray(0, mp4.indexOf("mdat") + 4)); // index intact, no frame data
    for (const file of [rand, text, playlist]) {
      const err = await decodeImage(file, 64).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VideoDecodeError);
      expect((err as Error).message).toMatch(/^cannot decode .*: not a video \(MP4, MOV, WebM, MKV\) or an image \(PNG, JPEG, WebP, GIF\)/);
    }
    await expect(decodeToFrames(truncated, { width: 64, height: 64 })).rejects.toThrow(VideoDecodeError);
    await expect(decodeToFrames(join(dir, "nope.png"), { width: 64, height: 64 })).rejects.toThrow(/no such file/);
  });

  it("validates its options", async () => {
    await expect(decodeToFrames(wideMp4, { width: 0, height: 64 })).rejects.toThrow(TypeError);
    await expect(decodeToFrames(wideMp4, { width: 64, height: 64, maxFrames: 0 })).rejects.toThrow(TypeError);
  });
});
