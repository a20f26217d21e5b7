// Paints one background frame; the renderer computes it once per clip and copies it into every frame.

import type { Background, FloorLook, SkyLook, SolidColor } from "./types.ts";
import type { Rgb } from "./palette.ts";
import { Rng } from "./rng.ts";

const SOLID_RGB: Record<SolidColor, Rgb> = {
  black: [10, 10, 12],
  white: [244, 244, 242],
  gray: [128, 128, 130],
  navy: [20, 30, 82],
  beige: [230, 214, 178],
};

/** Vertical colour stops (position 0 = top row, 1 = bottom row). */
type Stops = readonly (readonly [number, Rgb])[];

const SKY_STOPS: Record<SkyLook, Stops> = {
  day: [[0, [60, 125, 215]], [1, [165, 208, 245]]],
  sunset: [[0, [70, 38, 120]], [0.55, [205, 80, 110]], [1, [250, 165, 70]]],
  night: [[0, [4, 6, 22]], [1, [22, 28, 66]]],
};

/** Fraction of the height where a floor's horizon lies. */
export const HORIZON = 0.6;

const FLOOR_SKY: Stops = [[0, [120, 170, 230]], [1, [190, 220, 245]]];
const GROUND_STOPS: Record<FloorLook, Stops> = {
  grass: [[0, [95, 175, 70]], [1, [45, 115, 40]]],
  sand: [[0, [228, 204, 146]], [1, [196, 165, 108]]],
  stone: [[0, [140, 140, 144]], [1, [92, 92, 98]]],
};

function lerpStops(stops: Stops, t: number): [number, number, number] {
  if (t <= stops[0][0]) return [...stops[0][1]];
  for (let i = 1; i < stops.length; i++) {
    const [p1, c1] = stops[i];
    if (t <= p1) {
      const [p0, c0] = stops[i - 1];
      const u = (t - p0) / (p1 - p0);
      return [c0[0] + (c1[0] - c0[0]) * u, c0[1] + (c1[1] - c0[1]) * u, c0[2] + (c1[2] - c0[2]) * u];
    }
  }
  return [...stops[stops.length - 1][1]];
}

function fillRows(out: Uint8Array, width: number, y0: number, y1: number, colorAt: (y: number) => number[]): void {
  for (let y = y0; y < y1; y++) {
    const c = colorAt(y);
    const r = Math.round(c[0]), g = Math.round(c[1]), b = Math.round(c[2]);
    let i = y * width * 3;
    for (let x = 0; x < width; x++, i += 3) {
      out[i] = r;
      out[i + 1] = g;
      out[i + 2] = b;
    }
  }
}

/** Tiny, dim single-pixel stars: sparse enough that they never read as objects. */
function addStars(out: Uint8Array, width: number, height: number, seed: number): void {
  const rng = new Rng(seed ^ 0x5eed5);
  const count = Math.max(3, Math.round((width * height) / 450));
  for (let k = 0; k < count; k++) {
    const x = rng.int(width);
    const y = rng.int(Math.floor(height * 0.85));
    const level = Math.round(rng.range(70, 115));
    const i = (y * width + x) * 3;
    out[i] = level;
    out[i + 1] = level;
    out[i + 2] = Math.min(255, level + 20);
  }
}

export function paintBackground(bg: Background, width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const rowT = (y: number, y0: number, y1: number) => (y1 - y0 <= 1 ? 0 : (y - y0) / (y1 - 1 - y0));
  switch (bg.kind) {
    case "solid": {
      const c = SOLID_RGB[bg.color];
      fillRows(out, width, 0, height, () => [...c]);
      break;
    }
    case "sky": {
      const stops = SKY_STOPS[bg.look];
      fillRows(out, width, 0, height, (y) => lerpStops(stops, rowT(y, 0, height)));
      if (bg.look === "night") addStars(out, width, height, seed);
      break;
    }
    case "floor": {
      const horizon = Math.round(height * HORIZON);
      const ground = GROUND_STOPS[bg.look];
      fillRows(out, width, 0, horizon, (y) => lerpStops(FLOOR_SKY, rowT(y, 0, horizon)));
      fillRows(out, width, horizon, height, (y) => lerpStops(ground, rowT(y, horizon, height)));
      break;
    }
  }
  return out;
}
