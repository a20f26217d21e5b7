import { describe, expect, it } from "vitest";
import { carryIntoNewFrames, SEAM_FADE } from "../../engine/pipeline/seam-carry.ts";
import type { RgbFrame } from "../../engine/types.ts";

const frame = (v: number, n = 6): RgbFrame => ({ width: 2, height: 1, data: new Uint8Array(n).fill(v) });

describe("seam carry", () => {
  it("adds the round-trip loss to the frames after a given one, fading to nothing", () => {
    const frames = Array.from({ length: 6 }, () => frame(100));
    carryIntoNewFrames(frames, new Int16Array(6).fill(8), "later");
    // Weights 1, ¾, ½, ¼ over SEAM_FADE frames, then the model's frames untouched.
    expect(SEAM_FADE).toBe(4);
    expect(frames.map((f) => f.data[0])).toEqual([108, 106, 104, 102, 100, 100]);
  });

  it("fades backwards for frames that come before the given one", () => {
    const frames = Array.from({ length: 5 }, () => frame(50));
    carryIntoNewFrames(frames, new Int16Array(6).fill(-4), "earlier");
    expect(frames.map((f) => f.data[3])).toEqual([50, 49, 48, 47, 46]);
  });

  it("stays within 0…255 and works on fewer frames than the fade", () => {
    const frames = [frame(250), frame(3)];
    const loss = new Int16Array([20, -20, 20, -20, 20, -20]);
    carryIntoNewFrames(frames, loss, "later");
    expect([...frames[0].data]).toEqual([255, 230, 255, 230, 255, 230]);
    expect([...frames[1].data]).toEqual([18, 0, 18, 0, 18, 0]);
  });

  it("refuses a loss of another frame size", () => {
    expect(() => carryIntoNewFrames([frame(1, 12)], new Int16Array(6), "later")).toThrow(/sizes differ/);
  });
});
