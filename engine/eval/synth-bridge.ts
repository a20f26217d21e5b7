// The only file of the evaluation that imports the synthetic-data engine: palette values, background looks and the
// renderer are the scorer's calibration, and the held-out set is what it scores. One place to follow synth's exports.
export {
  renderScene, objectTrack, heldoutSet, trainingScene, Rng, OBJECT_RGB, TRAVEL, TRANSLATIONS,
  COLORS, SHAPES, MOTIONS, SOLID_COLORS, SKY_LOOKS, FLOOR_LOOKS,
} from "../synth/index.ts";
export type {
  Background, ColorName, MotionName, Scene, SceneObject, ShapeName, SpeedName, DiagonalName, HeldoutItem,
} from "../synth/index.ts";
