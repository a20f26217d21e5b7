// Plain data shared by every engine part: frames and clips are RGB24, row-major, no padding.

/** One RGB24 image: `data.length === width * height * 3`. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A clip: frames of one size at one rate. */
export interface Clip {
  width: number;
  height: number;
  fps: number;
  frames: RgbFrame[];
}

export type AspectRatio = "1:1" | "16:9" | "9:16";
export const ASPECT_RATIOS: readonly AspectRatio[] = ["1:1", "16:9", "9:16"];
