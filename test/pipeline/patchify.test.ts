import { describe, expect, it } from "vitest";
import { denormalizeLatents, normalizeLatents } from "../../engine/pipeline/latents.ts";
import { patchify, tokenGrid, unpatchify } from "../../engine/pipeline/patchify.ts";
import { framesToTensor, tensorToFrames } from "../../engine/pipeline/frames.ts";

describe("patchify (CONTRACTS §4)", () => {
  const shape = { frames: 3, channels: 8, height: 8, width: 14 };
  const n = 3 * 8 * 8 * 14;
  const latent = Float32Array.from({ length: n }, (_, i) => i);

  it("puts value (f, c, y, x) at token s = py·(w/2)+px, feature p = c·4+dy·2+dx", () => {
    const t = patchify(latent, shape);
    const { S, P, cols } = tokenGrid(shape);
    expect(S).toBe(4 * 7);
    expect(P).toBe(32);
    for (const [f, c, y, x] of [[0, 0, 0, 0], [1, 3, 5, 2], [2, 7, 7, 13], [0, 5, 6, 9]]) {
      const src = ((f * 8 + c) * 8 + y) * 14 + x;
      const s = (y >> 1) * cols + (x >> 1);
      const p = c * 4 + (y & 1) * 2 + (x & 1);
      expect(t[(f * S + s) * P + p]).toBe(src);
    }
  });

  it("is exactly inverted by unpatchify", () => {
    const t = patchify(latent, shape);
    expect(unpatchify(t, shape)).toEqual(latent);
    const tokens = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    expect(patchify(unpatchify(tokens, shape), shape)).toEqual(tokens);
  });

  it("rejects odd latent sizes and wrong lengths", () => {
    expect(() => patchify(new Float32Array(3 * 8 * 7 * 14), { ...shape, height: 7 })).toThrow(/2×2/);
    expect(() => patchify(new Float32Array(5), shape)).toThrow(/values/);
  });
});

describe("latent normalization", () => {
  it("normalizes per channel and round-trips", () => {
    const mean = [1, -2];
    const std = [2, 0.5];
    const z = Float32Array.from([3, 5, -2, -1, 1, 1, -3, -2]); // 2 frames × 2 channels × plane 2
    const n = normalizeLatents(z, mean, std, 2);
    expect(Array.from(n)).toEqual([1, 2, 0, 2, 0, 0, -2, 0]);
    expect(denormalizeLatents(n, mean, std, 2)).toEqual(z);
  });
});

describe("frames ⇄ tensors", () => {
  it("maps RGB24 to [-1, 1] CHW and back without loss", () => {
    const data = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const frame = { width: 3, height: 2, data };
    const t = framesToTensor([frame, frame]);
    expect(t.length).toBe(2 * 3 * 6);
    expect(t[0]).toBeCloseTo(data[0] / 127.5 - 1); // R of pixel 0
    expect(t[6]).toBeCloseTo(data[1] / 127.5 - 1); // G plane starts after 6 pixels
    const back = tensorToFrames(t, 2, 3, 2);
    expect(back[1].data).toEqual(data);
  });

  it("clamps decoder overshoot", () => {
    const f = tensorToFrames(Float32Array.from([-3, 2, 0.5]), 1, 1, 1);
    expect(Array.from(f[0].data)).toEqual([0, 255, 191]);
  });
});
