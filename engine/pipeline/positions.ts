// Additive 3-D sin-cos positions (CONTRACTS §4), computed here for whatever grid a request needs, so the model pack
// carries no fixed-size table and any frame count or aspect works.

/**
 * `pos` f32 [F, S, D] for a grid of F frames × rows × cols patches. With n = floor(D/6) and ω_k = theta^(−k/n):
 * `[sin(fω), cos(fω), sin(yω), cos(yω), sin(xω), cos(xω)]`, each block n wide, then zeros up to D.
 */
export function sincos3d(frames: number, rows: number, cols: number, dim: number, theta = 10000): Float32Array {
  if (![frames, rows, cols, dim].every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`bad position grid ${frames}×${rows}×${cols}, D=${dim}`);
  }
  const n = Math.floor(dim / 6);
  const omega = new Float64Array(n);
  for (let k = 0; k < n; k++) omega[k] = Math.pow(theta, -k / n);
  const S = rows * cols;
  const out = new Float32Array(frames * S * dim); // the tail past 6n stays zero
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const base = (f * S + y * cols + x) * dim;
        for (let k = 0; k < n; k++) {
          out[base + k] = Math.sin(f * omega[k]);
          out[base + n + k] = Math.cos(f * omega[k]);
          out[base + 2 * n + k] = Math.sin(y * omega[k]);
          out[base + 3 * n + k] = Math.cos(y * omega[k]);
          out[base + 4 * n + k] = Math.sin(x * omega[k]);
          out[base + 5 * n + k] = Math.cos(x * omega[k]);
        }
      }
    }
  }
  return out;
}
