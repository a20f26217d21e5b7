import { describe, expect, it } from "vitest";
import { gaussianNoise, philox4x32 } from "../../engine/pipeline/rng.ts";

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, "0")).join(" ");

describe("seeded noise", () => {
  it("implements Philox4x32-10 (Random123 known-answer vectors)", () => {
    const o = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, o);
    expect(hex(o)).toBe("6627e8d5 e169c58d bc57ac4c 9b00dbd8");
    philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, o);
    expect(hex(o)).toBe("408f276d 41c83b0e a20bc7c6 6d5451fd");
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, o);
    expect(hex(o)).toBe("d16cfe09 94fdcceb 5001e420 24126ea1");
  });

  it("pins the stream: these values must never change (seeds in old /sora replies reproduce)", () => {
    expect(Array.from(gaussianNoise(1234, 0, 4), (v) => v.toFixed(6))).toEqual(["-0.051208", "0.519128", "1.378368", "-0.199138"]);
  });

  it("is a pure function of (seed, stream, index)", () => {
    const a = gaussianNoise(99, 3, 1001);
    expect(gaussianNoise(99, 3, 1001)).toEqual(a);
    expect(gaussianNoise(99, 3, 10, 501)).toEqual(a.slice(501, 511)); // odd offset: second half of a pair
    expect(gaussianNoise(99, 3, 10, 500)).toEqual(a.slice(500, 510));
    expect(gaussianNoise(100, 3, 1001)).not.toEqual(a);
    expect(gaussianNoise(99, 4, 1001)).not.toEqual(a);
    expect(gaussianNoise(2 ** 40 + 99, 3, 1001)).not.toEqual(a); // the seed's high word is used
  });

  it("is standard normal", () => {
    const x = gaussianNoise(5, 0, 200_000);
    let m = 0, v = 0, tail = 0;
    for (const s of x) {
      m += s;
      v += s * s;
      if (Math.abs(s) > 1.96) tail++;
    }
    m /= x.length;
    v = v / x.length - m * m;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.015);
    expect(Math.abs(tail / x.length - 0.05)).toBeLessThan(0.003);
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it("rejects bad seeds", () => {
    expect(() => gaussianNoise(-1, 0, 1)).toThrow();
    expect(() => gaussianNoise(1.5, 0, 1)).toThrow();
  });
});
