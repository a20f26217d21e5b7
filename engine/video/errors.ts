// Error types for the video module, so callers (the bot) can tell "ffmpeg is missing" from "the user sent a bad file"
// from "our encode failed" and word their replies accordingly.

/** Base class: every error thrown by engine/video is one of these. */
export class VideoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** ffmpeg or ffprobe could not be found or started. */
export class FfmpegNotFoundError extends VideoError {}

/** The input is not a video/image we can read, or it held no frames. */
export class VideoDecodeError extends VideoError {}

/** ffmpeg failed while writing one of our files (no partial file is left behind). */
export class VideoEncodeError extends VideoError {}

/** The caller's AbortSignal fired; ffmpeg was stopped and any partial output removed. */
export class VideoAbortedError extends VideoError {}

/** ffmpeg or ffprobe ran past its wall-clock limit (SORA_FFMPEG_TIMEOUT_MS) and was killed; no partial file is left. */
export class VideoTimeoutError extends VideoError {}

/** A picture or video frame larger than SORA_MAX_IMAGE_PIXELS, refused from its header before decoding. */
export class PictureTooLargeError extends VideoDecodeError {
  constructor(message: string, readonly width: number, readonly height: number, readonly maxPixels: number) {
    super(message);
  }
}
