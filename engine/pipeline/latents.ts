// Latent normalization (CONTRACTS §4): the DiT works on z' = (z − mean[c]) / std[c]; the VAE on raw z.
// Layout [N, C, h, w]; both functions return new arrays so callers never alias a tensor ORT still owns.

function perChannel(data: Float32Array, mean: readonly number[], std: readonly number[], plane: number, fn: (v: number, m: number, s: number) => number): Float32Array {
  const C = mean.length;
  if (std.length !== C) throw new Error(`latent_mean has ${C} channels but latent_std has ${std.length}`);
  if (plane <= 0 || data.length % (C * plane) !== 0) throw new Error(`latent of ${data.length} values does not split into ${C} channels of ${plane}`);
  const out = new Float32Array(data.length);
  for (let base = 0; base < data.length; base += C * plane) {
    for (let c = 0; c < C; c++) {
      const m = mean[c], s = std[c];
      const o = base + c * plane;
      for (let i = 0; i < plane; i++) out[o + i] = fn(data[o + i], m, s);
    }
  }
  return out;
}

/** Raw VAE latents → what the transformer sees. `plane` = h·w. */
export function normalizeLatents(z: Float32Array, mean: readonly number[], std: readonly number[], plane: number): Float32Array {
  return perChannel(z, mean, std, plane, (v, m, s) => (v - m) / s);
}

/** Transformer latents → what the VAE decoder expects. */
export function denormalizeLatents(z: Float32Array, mean: readonly number[], std: readonly number[], plane: number): Float32Array {
  return perChannel(z, mean, std, plane, (v, m, s) => v * s + m);
}
