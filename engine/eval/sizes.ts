// Frame sizes per aspect (CONTRACTS.md §2), so that the ground-truth row renders what the model generates.
import type { AspectRatio } from "../types.ts";
import { ASPECT_RATIOS } from "../types.ts";

export const ASPECTS: readonly AspectRatio[] = ASPECT_RATIOS;
export const ASPECT_SIZES: Record<AspectRatio, [number, number]> = { "1:1": [64, 64], "16:9": [112, 64], "9:16": [64, 112] };
export const FRAMES = 17;
export const FPS = 8;
