// Public API of the evaluation: a pixels-only scorer for the synthetic domain, temporal metrics, and the eval runner.
export { readClip, type ClipReading, type ObjectReading } from "./read-clip.ts";
export { scoreClip, scoreReading, type ClipScore, type ObjectScore } from "./score.ts";
export { aggregate, type RowMetrics } from "./aggregate.ts";
export { flickerScore, seamRatio, loopRatio, FLICKER_SCALE } from "./temporal.ts";
export { estimateBackground, backgroundLabel, type BackgroundModel } from "./background.ts";
export { classifyMotion, directionOf, type MotionReading } from "./motion.ts";
export { classifyShape, type ShapeReading } from "./shape.ts";
export { degradeClip, type Degradation } from "./degrade.ts";
export { clipFromPacked } from "./image.ts";
export { evalItems, renderItem } from "./items.ts";
export { autoencoderRow } from "./autoencoder.ts";
export { runEval, groundTruthRow, modelRow, type EvalOptions, type EvalReport, type RowResult } from "./run.ts";
export { formatTable, TARGETS } from "./table.ts";
