// Connected components of a binary mask (8-connectivity), with the statistics the scorer needs.

export interface Component {
  /** Pixel indices (y * width + x) in the frame. */
  pixels: Int32Array;
  area: number;
  cx: number;
  cy: number;
  /** Inclusive bounding box. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Labels 8-connected regions of `mask` (non-zero = on); drops regions smaller than `minArea`. */
export function connectedComponents(mask: Uint8Array, width: number, height: number, minArea = 1): Component[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const out: Component[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    const pixels: number[] = [];
    while (top > 0) {
      const p = stack[--top];
      pixels.push(p);
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const q = ny * width + nx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (pixels.length >= minArea) out.push(componentFromPixels(Int32Array.from(pixels), width));
  }
  return out;
}

export function componentFromPixels(pixels: Int32Array, width: number): Component {
  let sx = 0, sy = 0;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of pixels) {
    const x = p % width;
    const y = (p - x) / width;
    sx += x;
    sy += y;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const n = pixels.length;
  return { pixels, area: n, cx: sx / n + 0.5, cy: sy / n + 0.5, x0, y0, x1, y1 };
}
