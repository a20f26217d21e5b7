import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatClips } from "../../engine/video/concat.ts";
import { encodeMp4 } from "../../engine/video/encode.ts";
import { decodeToFrames } from "../../engine/video/decode.ts";
import { probe } from "../../engine/video/probe.ts";
import { readMetadata } from "../../engine/video/metadata.ts";
import { redCentroid, squareClip } from "./synthetic.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "video-concat-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("concatClips", () => {
  it("joins two MP4 files of a lineage; frame counts add up and the order is kept", async () => {
    const a = await encodeMp4(squareClip({ x0: 0 }), join(dir, "a.mp4"));
    const b = await encodeMp4(squareClip({ x0: 40, dx: 0 }), join(dir, "b.mp4"));
    const res = await concatClips([a.file, b.file], join(dir, "ab.mp4"), {
      metadata: { prompt: "a red square slides right", model: "tiny-sora-default", seed: 1, parent: "clip-a" },
    });
    expect(res).toMatchObject({ width: 256, height: 256, frames: 34, fps: 8 });
    const info = await probe(res.file);
    expect(info).toMatchObject({ codec: "h264", pixFmt: "yuv420p", frames: 34, width: 256, height: 256 });
    expect(info.duration).toBeCloseTo(34 / 8, 1);
    expect((await readMetadata(res.file)).parent).toBe("clip-a");
    const back = await decodeToFrames(res.file, { width: 64, height: 64 });
    expect(redCentroid(back.frames[0]).x).toBeLessThan(10); // a: starts at the left
    expect(Math.abs(redCentroid(back.frames[20]).x - 47.5)).toBeLessThan(1.5); // b: still at x = 40
  });

  it("joins in-memory clips of different sizes into the first one's display size", async () => {
    const square = squareClip({ frames: 17 });
    const wide = squareClip({ width: 112, height: 64, frames: 9 });
    const res = await concatClips([square, wide], join(dir, "mixed.mp4"));
    expect(res).toMatchObject({ width: 256, height: 256, frames: 26 });
    expect(await probe(res.file)).toMatchObject({ frames: 26, width: 256, height: 256 });
  });

  it("refuses lineages longer than the limit", async () => {
    const long = squareClip({ frames: 17, fps: 8 }); // 2.125 s
    await expect(concatClips([long, long], join(dir, "long.mp4"), { maxSeconds: 4 })).rejects.toThrow(/limit is 4 s/);
  });
});
