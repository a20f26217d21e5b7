// Rectified-flow Euler sampling (CONTRACTS §6) as pure functions: x_t = (1 − t)·x0 + t·ε, the model predicts
// v = ε − x0, and one Euler step is x ← x + (σ_next − σ)·v.

/** The shifted time warp σ(u) = shift·u / (1 + (shift − 1)·u); shift > 1 spends more steps at high noise. */
export function shiftSigma(u: number, shift: number): number {
  return (shift * u) / (1 + (shift - 1) * u);
}

/** Inverse of `shiftSigma`: the u at which the shifted grid reaches σ. */
export function unshiftSigma(sigma: number, shift: number): number {
  return sigma / (shift - (shift - 1) * sigma);
}

/**
 * The `steps + 1` noise levels from `start` down to 0. For a fresh sample start = 1 and u = 1 − i/steps exactly as
 * in the contract. For SDEdit (start = strength s < 1) the same warp is kept but u runs from σ⁻¹(s) to 0, so a remix
 * still gets all `steps` steps spread over the shorter path instead of silently running fewer of them.
 */
export function sigmaSchedule(steps: number, shift: number, start = 1): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(shift > 0)) throw new RangeError(`shift must be positive, got ${shift}`);
  if (!(start > 0 && start <= 1)) throw new RangeError(`start sigma must be in (0, 1], got ${start}`);
  const u0 = start === 1 ? 1 : unshiftSigma(start, shift);
  const sigmas = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) sigmas[i] = shiftSigma(u0 * (1 - i / steps), shift);
  sigmas[0] = start; // exact, so the noisy start and the first timestep agree to the last bit
  sigmas[steps] = 0;
  return sigmas;
}

/** x ← x + (σ_next − σ)·v, in place. */
export function eulerStep(x: Float32Array, v: Float32Array, sigma: number, sigmaNext: number): void {
  if (x.length !== v.length) throw new Error(`euler step: x has ${x.length} values, v has ${v.length}`);
  const dt = sigmaNext - sigma;
  for (let i = 0; i < x.length; i++) x[i] += dt * v[i];
}

/**
 * Classifier-free guidance from a batched transformer output [2, …]: row 0 conditional, row 1 unconditional.
 * v = v_u + w·(v_c − v_u).
 */
export function cfgCombine(batched: Float32Array, guidance: number): Float32Array {
  if (batched.length % 2 !== 0) throw new Error(`CFG needs a batch of 2, got ${batched.length} values`);
  const n = batched.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = batched[i];
    const u = batched[n + i];
    out[i] = u + guidance * (c - u);
  }
  return out;
}

/** The noisy starting point (1 − σ)·x0 + σ·ε (σ = 1 gives pure noise; used for SDEdit with σ = strength). */
export function noisyStart(x0: Float32Array | null, noise: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(noise.length);
  if (x0 === null || sigma === 1) {
    for (let i = 0; i < noise.length; i++) out[i] = sigma * noise[i];
    return out;
  }
  if (x0.length !== noise.length) throw new Error(`noisy start: x0 has ${x0.length} values, noise has ${noise.length}`);
  for (let i = 0; i < noise.length; i++) out[i] = (1 - sigma) * x0[i] + sigma * noise[i];
  return out;
}
