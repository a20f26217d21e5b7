// 1×2×2 patches (CONTRACTS §4): latent [F, C, h, w] ⇄ tokens [F, S, P] with S = (h/2)·(w/2), s = py·(w/2) + px,
// P = 4C, p = c·4 + dy·2 + dx. Both directions are plain index permutations, so the round trip is exact.

export interface LatentShape {
  frames: number;
  channels: number;
  height: number; // latent rows h
  width: number; // latent cols w
}

function check(shape: LatentShape, length: number): void {
  const { frames, channels, height, width } = shape;
  if (height % 2 !== 0 || width % 2 !== 0) throw new Error(`latent ${height}×${width} is not divisible by the 2×2 patch`);
  if (length !== frames * channels * height * width) {
    throw new Error(`tensor has ${length} values, shape ${frames}×${channels}×${height}×${width} needs ${frames * channels * height * width}`);
  }
}

/** Tokens per frame and values per token for a latent shape. */
export function tokenGrid(shape: LatentShape): { S: number; P: number; rows: number; cols: number } {
  const rows = shape.height / 2;
  const cols = shape.width / 2;
  return { S: rows * cols, P: shape.channels * 4, rows, cols };
}

export function patchify(latent: Float32Array, shape: LatentShape): Float32Array {
  check(shape, latent.length);
  const { frames: F, channels: C, height: h, width: w } = shape;
  const { S, P, cols } = tokenGrid(shape);
  const out = new Float32Array(latent.length);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < h; y++) {
        const py = y >> 1, dy = y & 1;
        for (let x = 0; x < w; x++) {
          const px = x >> 1, dx = x & 1;
          const s = py * cols + px;
          const p = c * 4 + dy * 2 + dx;
          out[(f * S + s) * P + p] = latent[((f * C + c) * h + y) * w + x];
        }
      }
    }
  }
  return out;
}

export function unpatchify(tokens: Float32Array, shape: LatentShape): Float32Array {
  check(shape, tokens.length);
  const { frames: F, channels: C, height: h, width: w } = shape;
  const { S, P, cols } = tokenGrid(shape);
  const out = new Float32Array(tokens.length);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < h; y++) {
        const py = y >> 1, dy = y & 1;
        for (let x = 0; x < w; x++) {
          const px = x >> 1, dx = x & 1;
          out[((f * C + c) * h + y) * w + x] = tokens[(f * S + py * cols + px) * P + c * 4 + dy * 2 + dx];
        }
      }
    }
  }
  return out;
}
