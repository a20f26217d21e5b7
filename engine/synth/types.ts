// Scene description shared by the renderer, the caption grammar, the prompt parser and the shard writer.
// Binding shape: engine/CONTRACTS.md §1 (fields may be added, never removed).

export type ColorName =
  | "red" | "orange" | "yellow" | "green" | "cyan" | "blue" | "purple" | "pink" | "white" | "black" | "brown";
export type ShapeName = "circle" | "square" | "triangle" | "star" | "heart" | "ring";
export type MotionName =
  | "left" | "right" | "up" | "down" | "diagonal" | "bounce" | "spin" | "grow" | "shrink" | "orbit" | "still";
export type SolidColor = "black" | "white" | "gray" | "navy" | "beige";
export type SkyLook = "day" | "sunset" | "night";
export type FloorLook = "grass" | "sand" | "stone";
export type Background =
  | { kind: "solid"; color: SolidColor }
  | { kind: "sky"; look: SkyLook }
  | { kind: "floor"; look: FloorLook }; // sky above a horizon, ground below
export type SizeName = "small" | "medium" | "large";
export type SpeedName = "slow" | "normal" | "fast";
export type DiagonalName = "up-left" | "up-right" | "down-left" | "down-right";

export interface SceneObject {
  color: ColorName;
  shape: ShapeName;
  size: SizeName;
  motion: MotionName;
  speed: SpeedName;
  diagonal?: DiagonalName; // only for motion "diagonal"
  start: [number, number]; // normalized centre at frame 0, x right, y down, in [0,1]
}

export interface Scene {
  background: Background;
  objects: SceneObject[];
  seed: number;
}

/** One frame of an object's ground-truth track: normalized centre, scale factor (1 = nominal size), angle in radians. */
export interface TrackPoint {
  x: number;
  y: number;
  scale: number;
  angle: number;
}

export interface RenderSize {
  width: number;
  height: number;
  frames: number;
}

export const COLORS: readonly ColorName[] = [
  "red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "white", "black", "brown",
];
export const SHAPES: readonly ShapeName[] = ["circle", "square", "triangle", "star", "heart", "ring"];
export const MOTIONS: readonly MotionName[] = [
  "left", "right", "up", "down", "diagonal", "bounce", "spin", "grow", "shrink", "orbit", "still",
];
export const SIZES: readonly SizeName[] = ["small", "medium", "large"];
export const SPEEDS: readonly SpeedName[] = ["slow", "normal", "fast"];
export const DIAGONALS: readonly DiagonalName[] = ["up-left", "up-right", "down-left", "down-right"];
export const SOLID_COLORS: readonly SolidColor[] = ["black", "white", "gray", "navy", "beige"];
export const SKY_LOOKS: readonly SkyLook[] = ["day", "sunset", "night"];
export const FLOOR_LOOKS: readonly FloorLook[] = ["grass", "sand", "stone"];
