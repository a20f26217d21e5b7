// Public API of engine/video: clips in, real video/image files out (and back).

export { resolveBinaries, availableEncoders, hasEncoder, type FfmpegBinaries } from "./ffmpeg.ts";
export { probe, type ProbeResult } from "./probe.ts";
export { encodeMp4, type EncodeOptions, type EncodeResult } from "./encode.ts";
export { encodePreview, bestPreviewFormat, type PreviewFormat, type PreviewOptions, type PreviewResult } from "./preview.ts";
export { writeThumbnail, type ThumbnailFormat, type ThumbnailOptions, type ThumbnailResult } from "./thumbnail.ts";
export { decodeToFrames, decodeImage, STILL_FPS, type DecodeOptions, type Fit } from "./decode.ts";
export { concatClips, type ConcatInput, type ConcatOptions } from "./concat.ts";
export { fitVideo } from "./fit.ts";
export { provenanceTags, readMetadata, DEFAULT_SOFTWARE, type Provenance, type FileMetadata } from "./metadata.ts";
export { scaledSize, type ScaleOption } from "./frames.ts";
export { VideoError, FfmpegNotFoundError, VideoDecodeError, VideoEncodeError, VideoAbortedError, VideoTimeoutError, PictureTooLargeError } from "./errors.ts";
export { pictureDimensions, checkPixels, type Dimensions } from "./pixels.ts";
