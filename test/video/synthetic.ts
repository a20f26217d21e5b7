// Test input made with plain pixel code: a coloured square sliding right over a dark background.

import type { Clip } from "../../engine/types.ts";

export interface SquareClipOptions {
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  size?: number;
  color?: [number, number, number];
  background?: [number, number, number];
  /** Top-left x at frame 0 and its step per frame; y stays at `y`. */
  x0?: number;
  dx?: number;
  y?: number;
}

export function squareClip(o: SquareClipOptions = {}): Clip {
  const { width = 64, height = 64, frames = 17, fps = 8, size = 16, color = [230, 30, 30], background = [20, 20, 40] } = o;
  const x0 = o.x0 ?? 4;
  const dx = o.dx ?? 2;
  const y0 = o.y ?? Math.floor((height - size) / 2);
  return {
    width,
    height,
    fps,
    frames: Array.from({ length: frames }, (_, i) => {
      const data = new Uint8Array(width * height * 3);
      for (let p = 0; p < width * height; p++) data.set(background, p * 3);
      const sx = x0 + i * dx;
      for (let y = y0; y < y0 + size; y++) for (let x = sx; x < sx + size; x++) if (x >= 0 && x < width) data.set(color, (y * width + x) * 3);
      return { width, height, data };
    }),
  };
}

/** Square's expected top-left x in frame i for the defaults above. */
export const squareX = (i: number, o: SquareClipOptions = {}) => (o.x0 ?? 4) + i * (o.dx ?? 2);

export function pixel(frame: { width: number; data: Uint8Array }, x: number, y: number): [number, number, number] {
  const o = (y * frame.width + x) * 3;
  return [frame.data[o], frame.data[o + 1], frame.data[o + 2]];
}

/** Centroid of pixels whose red channel dominates: where the (red) square is. */
export function redCentroid(frame: { width: number; height: number; data: Uint8Array }): { x: number; y: number; count: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const [r, g, b] = pixel(frame, x, y);
      if (r > 128 && g < 100 && b < 100) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  return { x: sx / n, y: sy / n, count: n };
}

/** Top-level MP4 box types in file order. */
export function topLevelBoxes(buf: Buffer): string[] {
  const types: string[] = [];
  let pos = 0;
  while (pos + 8 <= buf.length) {
    let size = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(pos + 8));
    else if (size === 0) size = buf.length - pos;
    types.push(type);
    if (size < 8) break;
    pos += size;
  }
  return types;
}
