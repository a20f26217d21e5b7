// Minimal RGB PNG encoder (zlib from Node), so rendered clips can be looked at without extra packages.

import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk } from "../video/containers/png.ts";

/** Encodes `rgb` (height × width × 3) as a PNG file. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", header), pngChunk("IDAT", deflateSync(raw)), pngChunk("IEND", new Uint8Array(0))]);
}

/** Lays out frames of a clip (frames × H × W × 3) side by side, every `step`-th frame, with a 1-pixel gap. */
export function filmstrip(clip: Uint8Array, width: number, height: number, frames: number, step = 4): {
  rgb: Uint8Array; width: number; height: number;
} {
  const picked: number[] = [];
  for (let f = 0; f < frames; f += step) picked.push(f);
  if (picked[picked.length - 1] !== frames - 1) picked.push(frames - 1);
  const outW = picked.length * (width + 1) - 1;
  const rgb = new Uint8Array(outW * height * 3).fill(255);
  picked.forEach((f, k) => {
    for (let y = 0; y < height; y++) {
      const src = (f * height * width + y * width) * 3;
      rgb.set(clip.subarray(src, src + width * 3), (y * outW + k * (width + 1)) * 3);
    }
  });
  return { rgb, width: outW, height };
}
