// What we agree to read. Decode inputs are user uploads, so ffmpeg is only allowed the local file protocol and the
// demuxers for the formats we support: a playlist or concat script disguised as "video.mp4" is refused before it can
// make ffmpeg open other files or URLs, and a text file is not rendered as "ANSI art".

/** ffmpeg demuxer names (a name with commas is one demuxer, e.g. mov's). */
const DEMUXERS = [
  "mov,mp4,m4a,3gp,3g2,mj2",
  "matroska,webm",
  "gif",
  "apng",
  "image2", // single image files picked by extension (.jpg, .png, …)
  "png_pipe",
  "jpeg_pipe",
  "webp_pipe",
  "bmp_pipe",
  "tiff_pipe",
];

/** Video codecs inside those containers that a user may reasonably upload. */
export const ACCEPTED_CODECS = new Set([
  "h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "prores",
  "png", "apng", "mjpeg", "webp", "gif", "bmp", "tiff",
]);

export const SUPPORTED_DESCRIPTION = "a video (MP4, MOV, WebM, MKV) or an image (PNG, JPEG, WebP, GIF)";

/** Input options for ffmpeg/ffprobe reading a local file. */
export function fileInputOptions(): string[] {
  return ["-protocol_whitelist", "file", "-format_whitelist", DEMUXERS.join(",")];
}
