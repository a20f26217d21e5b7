import { describe, expect, it } from "vitest";
import {
  buildPass, chunkLayout, concatFrames, frameTimesteps, latentFrames, loopLayout, reverseFrames, sliceFrames, takeGenerated, writeKnown,
} from "../../engine/pipeline/conditioning.ts";

const FS = 3; // values per latent frame, small so whole arrays are readable
/** `count` frames whose values are all `base + f`. */
const frames = (count: number, base: number) => latentFrames(count, FS, Float32Array.from({ length: count * FS }, (_, i) => base + Math.floor(i / FS)));
const mask = (p: { known: Uint8Array }) => Array.from(p.known).join("");

describe("pass layouts for every conditioning kind", () => {
  it("none: everything generated, timesteps all σ", () => {
    const p = buildPass([{ generate: 5 }], FS);
    expect(mask(p)).toBe("00000");
    expect(p.generated).toEqual([[0, 5]]);
    expect(p.init).toBeNull();
    expect(Array.from(frameTimesteps(p, 0.7))).toEqual(Array(5).fill(expect.closeTo(0.7, 6)));
  });

  it("image: frame 0 known with t = 0", () => {
    const p = buildPass([{ known: frames(1, 100) }, { generate: 16 }], FS);
    expect(mask(p)).toBe("1" + "0".repeat(16));
    const t = frameTimesteps(p, 0.5);
    expect(t[0]).toBe(0);
    expect(t[1]).toBe(0.5);
  });

  it("extend forward: the parent's last k frames first", () => {
    const p = buildPass([{ known: frames(4, 10) }, { generate: 13 }], FS);
    expect(mask(p)).toBe("1111" + "0".repeat(13));
    expect(p.generated).toEqual([[4, 17]]);
    expect(Array.from(p.knownLatents.subarray(3 * FS, 4 * FS))).toEqual([13, 13, 13]);
  });

  it("extend backward: the parent's first k frames last", () => {
    const p = buildPass([{ generate: 13 }, { known: frames(4, 10) }], FS);
    expect(mask(p)).toBe("0".repeat(13) + "1111");
    expect(p.generated).toEqual([[0, 13]]);
    expect(p.knownLatents[13 * FS]).toBe(10);
  });

  it("interpolate: a's tail as head, b's head as tail", () => {
    const p = buildPass([{ known: frames(4, 10) }, { generate: 9 }, { known: frames(4, 50) }], FS);
    expect(mask(p)).toBe("1111" + "0".repeat(9) + "1111");
    expect(p.knownLatents[16 * FS]).toBe(53);
  });

  it("remix: SDEdit start from the parent at σ = strength, and fails without parent latents", () => {
    const p = buildPass([{ generate: 4, init: frames(4, 7) }], FS, 0.6);
    expect(p.startSigma).toBe(0.6);
    expect(Array.from(p.init!)).toEqual(Array.from(frames(4, 7).data));
    expect(() => buildPass([{ generate: 4 }], FS, 0.6)).toThrow(/parent latents/);
    // strength 1 = a fresh sample: no init at all
    expect(buildPass([{ generate: 4, init: frames(4, 7) }], FS, 1).init).toBeNull();
  });

  it("writes the clean known latents back and takes only the generated frames", () => {
    const p = buildPass([{ known: frames(2, 10) }, { generate: 2 }, { known: frames(1, 90) }], FS);
    const x = new Float32Array(5 * FS).fill(-1);
    writeKnown(x, p);
    expect(Array.from(x)).toEqual([10, 10, 10, 11, 11, 11, -1, -1, -1, -1, -1, -1, 90, 90, 90]);
    const g = takeGenerated(x, p);
    expect(g.count).toBe(2);
    expect(Array.from(g.data)).toEqual(Array(6).fill(-1));
  });

  it("rejects passes with nothing to generate", () => {
    expect(() => buildPass([{ known: frames(3, 0) }], FS)).toThrow(/generate/);
    expect(() => buildPass([], FS)).toThrow();
  });
});

describe("chunked long clips and loops", () => {
  it("first chunk fills a pass, later chunks see k frames of context", () => {
    expect(chunkLayout(17, 17, 4, 0)).toEqual([{ context: 0, fresh: 17 }]);
    expect(chunkLayout(40, 17, 4, 0)).toEqual([{ context: 0, fresh: 17 }, { context: 4, fresh: 13 }, { context: 4, fresh: 10 }]);
    // extension of a parent: context from the start
    expect(chunkLayout(13, 17, 4, 4)).toEqual([{ context: 4, fresh: 13 }]);
    expect(chunkLayout(20, 17, 4, 4)).toEqual([{ context: 4, fresh: 13 }, { context: 4, fresh: 7 }]);
    // an image is a one-frame parent: context grows from 1 to k
    expect(chunkLayout(30, 17, 4, 1)).toEqual([{ context: 1, fresh: 16 }, { context: 4, fresh: 13 }, { context: 4, fresh: 1 }]);
    expect(() => chunkLayout(5, 4, 4, 4)).toThrow(/no room/);
  });

  it("splits a loop into a clip and a bridge that fits one pass", () => {
    expect(loopLayout(17, 17)).toEqual({ clip: 9, bridge: 8, context: 4 });
    const l = loopLayout(60, 17);
    expect(l.clip + l.bridge).toBe(60);
    expect(l.bridge + 2 * l.context).toBeLessThanOrEqual(17);
    for (let n = 4; n <= 40; n++) {
      const s = loopLayout(n, 17);
      expect(s.clip + s.bridge).toBe(n);
      expect(s.context).toBeGreaterThanOrEqual(1);
      expect(2 * s.context).toBeLessThanOrEqual(s.clip);
      expect(s.bridge).toBeGreaterThanOrEqual(1);
    }
    expect(() => loopLayout(3, 17)).toThrow(/at least 4/);
  });

  it("slices and concatenates frame-major latents", () => {
    const a = frames(3, 0);
    expect(Array.from(sliceFrames(a, 1, 3).data)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(sliceFrames(a, 2, 9).count).toBe(1);
    expect(concatFrames([a, frames(1, 9)], FS).count).toBe(4);
    expect(Array.from(reverseFrames(a).data)).toEqual([2, 2, 2, 1, 1, 1, 0, 0, 0]);
    expect(Array.from(a.data)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]); // a new array; the input is left as it was
  });
});
