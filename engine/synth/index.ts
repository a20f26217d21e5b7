// Public API of the procedural video data: scenes, rendering, captions, the train/held-out split, prompt parsing,
// and the shard writer.

export * from "./types.ts";
export { Rng, hashString, deriveSeed } from "./rng.ts";
export { renderScene, renderSceneInto, objectTrack, SIZE_DIAMETER, objectRadiusPx } from "./render.ts";
export { trackAt, travelDirection, TRAVEL, TRANSLATIONS } from "./motion.ts";
export { OBJECT_RGB, allowedColors, forbiddenColors, colorFitsBackground } from "./palette.ts";
export { paintBackground, HORIZON } from "./background.ts";
export { comboIsDrawable, type Combo } from "./scenes.ts";
export {
  captionsFor, heldoutCaptions, captionAtLevel,
  CAPTION_TEMPLATES, TRAINING_TEMPLATES, HELDOUT_TEMPLATES, type CaptionTemplate, type DetailLevel,
} from "./captions.ts";
export {
  trainingScene, trainingCaptions, heldoutScene, heldoutSet, isHeldOutCombo, sceneHasHeldOutCombo, HELDOUT_COMBOS,
  HELDOUT_FRACTION, type HeldoutItem,
} from "./split.ts";
export { parsePrompt, type ParsedPrompt } from "./parse.ts";
export { describeScene, completeScene, continueScene, DEFAULT_BACKGROUND, type PartialScene } from "./describe.ts";
export {
  writeDataset, writeShard, readShard, planShards, aspectCounts, shardName, SHARD_SIZES, SHARD_FRAMES, SHARD_FPS,
  ASPECT_MIX, type ShardMeta, type ShardItem, type Split, type ShardAspect,
} from "./shards.ts";
export { captionWords, MAX_TOKENS } from "./words.ts";
export {
  LAYOUT_CHANNELS, DISC_CHANNELS, isBuildableLayout, TOKEN_PX as LAYOUT_TOKEN_PX, CLIP_FRAMES as LAYOUT_CLIP_FRAMES, MAX_OBJECTS as LAYOUT_MAX_OBJECTS,
  buildLayout, layoutTracks, objectAttrs, sceneLayout, type LayoutPoint, type LayoutAttrs,
} from "./layout.ts";
export { WORD_MEANINGS, KNOWN_WORDS } from "./lexicon.ts";
