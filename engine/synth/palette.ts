// Object colours and which of them may be drawn on which background.
// Hues are saturated and far apart so a small model (and the evaluation's colour check) can tell them apart.

import type { Background, ColorName } from "./types.ts";
import { COLORS } from "./types.ts";

export type Rgb = readonly [number, number, number];

export const OBJECT_RGB: Record<ColorName, Rgb> = {
  red: [225, 30, 35],
  orange: [255, 140, 0],
  yellow: [250, 222, 30],
  green: [40, 185, 60],
  cyan: [0, 205, 225],
  blue: [30, 70, 235],
  purple: [145, 50, 205],
  pink: [255, 110, 185],
  white: [250, 250, 250],
  black: [15, 15, 15],
  brown: [135, 78, 30],
};

/**
 * Colours that would vanish into (or be confused with) a background. "Never share a colour with the background"
 * is the contract; low-contrast pairs (yellow on white, black on navy) are excluded too so every object stays visible.
 */
export function forbiddenColors(bg: Background): readonly ColorName[] {
  switch (bg.kind) {
    case "solid":
      return {
        black: ["black"],
        white: ["white", "yellow"],
        gray: [],
        navy: ["blue", "black"],
        beige: ["white", "yellow"],
      }[bg.color] as ColorName[];
    case "sky":
      return {
        day: ["blue", "cyan", "white"],
        sunset: ["orange", "purple", "pink"],
        night: ["black", "brown"],
      }[bg.look] as ColorName[];
    case "floor":
      // The pale sky above the horizon rules out white on every floor.
      return {
        grass: ["green", "white"],
        sand: ["yellow", "white"],
        stone: ["white"],
      }[bg.look] as ColorName[];
  }
}

export function allowedColors(bg: Background): ColorName[] {
  const banned = forbiddenColors(bg);
  return COLORS.filter((c) => !banned.includes(c));
}

export function colorFitsBackground(color: ColorName, bg: Background): boolean {
  return !forbiddenColors(bg).includes(color);
}
