import { describe, expect, it } from "vitest";
import { gaussianNoise } from "../../engine/pipeline/rng.ts";
import { cfgCombine, eulerStep, noisyStart, shiftSigma, sigmaSchedule, unshiftSigma } from "../../engine/pipeline/scheduler.ts";

describe("rectified-flow sampler math (CONTRACTS §6)", () => {
  it("builds the shifted grid σ(u) = s·u/(1+(s−1)u), u = 1 − i/steps", () => {
    const sig = sigmaSchedule(4, 2);
    expect(sig.length).toBe(5);
    expect(sig[0]).toBe(1);
    expect(sig[4]).toBe(0);
    expect(sig[1]).toBeCloseTo((2 * 0.75) / (1 + 0.75), 12);
    expect(sig[2]).toBeCloseTo((2 * 0.5) / 1.5, 12);
    for (let i = 1; i < sig.length; i++) expect(sig[i]).toBeLessThan(sig[i - 1]);
    expect(Array.from(sigmaSchedule(3, 1))).toEqual([1, 2 / 3, 1 / 3, 0].map((v) => expect.closeTo(v, 12)));
  });

  it("starts a remix grid at σ = strength and still takes every step", () => {
    const sig = sigmaSchedule(10, 2, 0.4);
    expect(sig[0]).toBe(0.4);
    expect(sig[10]).toBe(0);
    expect(sig.length).toBe(11);
    expect(unshiftSigma(shiftSigma(0.3, 3), 3)).toBeCloseTo(0.3, 12);
    expect(() => sigmaSchedule(0, 2)).toThrow();
    expect(() => sigmaSchedule(5, 2, 0)).toThrow();
  });

  it("lands exactly on x0 when given the exact velocity v = ε − x0", () => {
    const n = 1000;
    const x0 = gaussianNoise(7, 1, n);
    const eps = gaussianNoise(7, 2, n);
    const v = Float32Array.from(x0, (x, i) => eps[i] - x);
    for (const [steps, shift] of [[1, 1], [20, 2], [7, 3.5]]) {
      const sig = sigmaSchedule(steps, shift);
      const x = noisyStart(null, eps, 1);
      for (let i = 0; i < steps; i++) {
        // x_t = (1 − t)·x0 + t·ε is on the straight path at every step
        for (const k of [0, 500]) expect(x[k]).toBeCloseTo((1 - sig[i]) * x0[k] + sig[i] * eps[k], 5);
        eulerStep(x, v, sig[i], sig[i + 1]);
      }
      for (let k = 0; k < n; k++) expect(x[k]).toBeCloseTo(x0[k], 5);
    }
  });

  it("recovers x0 from an SDEdit start with the exact velocity", () => {
    const x0 = Float32Array.from([0.5, -1, 2]);
    const eps = Float32Array.from([1, 0.3, -0.7]);
    const s = 0.35;
    const x = noisyStart(x0, eps, s);
    expect(x[0]).toBeCloseTo(0.65 * 0.5 + 0.35, 6);
    const v = Float32Array.from(x0, (a, i) => eps[i] - a);
    const sig = sigmaSchedule(5, 2, s);
    for (let i = 0; i < 5; i++) eulerStep(x, v, sig[i], sig[i + 1]);
    for (let k = 0; k < 3; k++) expect(x[k]).toBeCloseTo(x0[k], 6);
  });

  it("combines guidance as v_u + w·(v_c − v_u) from a [cond, uncond] batch", () => {
    const batched = Float32Array.from([1, 2, 3, /* uncond */ 0, 1, 5]);
    expect(Array.from(cfgCombine(batched, 0))).toEqual([0, 1, 5]);
    expect(Array.from(cfgCombine(batched, 1))).toEqual([1, 2, 3]);
    expect(Array.from(cfgCombine(batched, 4))).toEqual([4, 5, -3]);
    expect(() => cfgCombine(new Float32Array(3), 2)).toThrow();
  });
});
