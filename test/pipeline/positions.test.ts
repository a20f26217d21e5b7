import { describe, expect, it } from "vitest";
import { sincos3d } from "../../engine/pipeline/positions.ts";

describe("sin-cos 3-D positions (CONTRACTS §4)", () => {
  it("follows the block layout for frame, row and column", () => {
    const D = 128, n = Math.floor(D / 6); // 21
    const F = 3, rows = 4, cols = 7;
    const pos = sincos3d(F, rows, cols, D);
    expect(pos.length).toBe(F * rows * cols * D);
    const at = (f: number, y: number, x: number) => pos.subarray((f * rows * cols + y * cols + x) * D, (f * rows * cols + y * cols + x + 1) * D);
    const v = at(2, 3, 5);
    for (const k of [0, 1, 7, n - 1]) {
      const w = Math.pow(10000, -k / n);
      expect(v[k]).toBeCloseTo(Math.sin(2 * w), 6);
      expect(v[n + k]).toBeCloseTo(Math.cos(2 * w), 6);
      expect(v[2 * n + k]).toBeCloseTo(Math.sin(3 * w), 6);
      expect(v[3 * n + k]).toBeCloseTo(Math.cos(3 * w), 6);
      expect(v[4 * n + k]).toBeCloseTo(Math.sin(5 * w), 6);
      expect(v[5 * n + k]).toBeCloseTo(Math.cos(5 * w), 6);
    }
    // 6·21 = 126 < 128: the last two features are zero padding.
    expect(v[126]).toBe(0);
    expect(v[127]).toBe(0);
    // Origin: sin = 0, cos = 1 in every block.
    const o = at(0, 0, 0);
    expect(o[0]).toBe(0);
    expect(o[n]).toBe(1);
  });

  it("covers any grid (frame counts and aspects beyond training)", () => {
    expect(sincos3d(40, 7, 4, 96).length).toBe(40 * 28 * 96);
    const a = sincos3d(5, 2, 2, 12, 100);
    const b = sincos3d(9, 2, 2, 12, 100);
    expect(b.subarray(0, a.length)).toEqual(a); // frame f's rows do not depend on how many frames follow
    expect(() => sincos3d(0, 2, 2, 12)).toThrow();
  });
});
