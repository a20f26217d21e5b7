// Seeded Gaussian noise that is identical on every run and every platform.
//
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3") is counter-based: value i is a pure
// function of (key, counter i), so any slice of the stream can be produced without generating what precedes it, and
// the result depends only on 32-bit integer arithmetic, which JavaScript does exactly. Uniforms are built with 53 bits
// and Box-Muller runs in float64; V8 computes Math.log/sin/cos with its own fdlibm port rather than the platform libm,
// so the float64 values, and the float32 they round to, are the same on Linux, macOS and Windows.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the unsigned 64-bit product a·b, from 16-bit halves so every partial product is exact in float64. */
function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/** One Philox4x32-10 block: 4 counter words and 2 key words in, 4 random words out (written to `out`). */
export function philox4x32(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array,
): void {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_32 = 4294967296;

/**
 * `count` standard normal samples, elements `offset … offset+count−1` of the stream named by (seed, stream).
 * `seed` is a non-negative safe integer (its high bits go in the second key word); `stream` separates independent
 * uses of one seed (e.g. each generation pass), so passes never reuse each other's noise.
 */
export function gaussianNoise(seed: number, stream: number, count: number, offset = 0): Float32Array {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  if (!Number.isInteger(stream) || stream < 0 || stream >= TWO_POW_32) throw new RangeError(`bad noise stream ${stream}`);
  const k0 = seed % TWO_POW_32;
  const k1 = Math.floor(seed / TWO_POW_32);
  const out = new Float32Array(count);
  const block = new Uint32Array(4);
  // Each Philox block gives two 53-bit uniforms → one Box-Muller pair → elements 2j and 2j+1.
  let i = 0;
  while (i < count) {
    const element = offset + i;
    const pair = Math.floor(element / 2);
    philox4x32(pair % TWO_POW_32, Math.floor(pair / TWO_POW_32), stream, 0, k0, k1, block);
    // 1 − u keeps the argument of log in (0, 1].
    const u1 = 1 - ((block[0] >>> 5) * TWO_POW_26 + (block[1] >>> 6)) / TWO_POW_53;
    const u2 = ((block[2] >>> 5) * TWO_POW_26 + (block[3] >>> 6)) / TWO_POW_53;
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    if (element % 2 === 0) {
      out[i++] = r * Math.cos(theta);
      if (i < count) out[i++] = r * Math.sin(theta);
    } else {
      out[i++] = r * Math.sin(theta);
    }
  }
  return out;
}

/** A fresh random seed in the range users see and can type back (0 … 2³²−1). */
export function randomSeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0];
}
