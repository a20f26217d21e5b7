// The engine's operator limits (see settings.ts): how long one ffmpeg or onnxruntime call may run, how large an
// uploaded picture may be, how long the store keeps clips, and how much a person or a server may ask for.
import { setting } from "./settings.ts";

export const FFMPEG_TIMEOUT_MS = setting({
  name: "SORA_FFMPEG_TIMEOUT_MS", default: 120_000, min: 1,
  about: "wall-clock limit of one ffmpeg or ffprobe run (encode, decode, concat, preview), in ms",
});

export const INFERENCE_TIMEOUT_MS = setting({
  name: "SORA_INFERENCE_TIMEOUT_MS", default: 60_000, min: 1,
  about: "wall-clock limit of one onnxruntime call (one text-encoder, denoiser or VAE run), in ms",
});

export const MAX_IMAGE_PIXELS = setting({
  name: "SORA_MAX_IMAGE_PIXELS", default: 40_000_000, min: 1,
  about: "largest uploaded picture or video frame, in pixels (width × height), refused from its header before decoding",
});

export const MAX_IMAGE_BYTES = setting({
  name: "SORA_MAX_IMAGE_BYTES", default: 8 * 1024 * 1024, min: 1024,
  about: "largest uploaded picture, in bytes",
});

export const STORE_MAX_AGE_DAYS = setting({
  name: "SORA_STORE_MAX_AGE_DAYS", default: 30, min: 0, integer: false,
  about: "clips older than this are deleted from the store (0: keep forever)",
});

export const STORE_MAX_GIB = setting({
  name: "SORA_STORE_MAX_GIB", default: 20, min: 0, integer: false,
  about: "the store's size budget: above it the clips of the longest-dormant conversations go first (0: no limit)",
});

export const RATE_USER_MAX = setting({
  name: "SORA_RATE_USER_MAX", default: 10, min: 1,
  about: "clips one person may ask for per window (per platform + user)",
});

export const RATE_USER_WINDOW_S = setting({
  name: "SORA_RATE_USER_WINDOW_S", default: 600, min: 1,
  about: "the per-person rate window, in seconds",
});

export const RATE_SERVER_MAX = setting({
  name: "SORA_RATE_SERVER_MAX", default: 100, min: 1,
  about: "clips one server (a chat server or workspace, or the whole web page) may ask for per window",
});

export const RATE_SERVER_WINDOW_S = setting({
  name: "SORA_RATE_SERVER_WINDOW_S", default: 600, min: 1,
  about: "the per-server rate window, in seconds",
});

export const MAX_CLIP_SECONDS = setting({
  name: "SORA_MAX_CLIP_SECONDS", default: 60, min: 1, max: 600,
  about: "longest clip or stitched lineage a job may ask for, in seconds",
});

export const STORE_ACTIVE_HOURS = setting({
  name: "SORA_STORE_ACTIVE_HOURS", default: 24, min: 0, integer: false,
  about: "a conversation (lineage or thread) with a clip this recent is never trimmed for size",
});

export const STORE_SWEEP_MINUTES = setting({
  name: "SORA_STORE_SWEEP_MINUTES", default: 60, min: 1, integer: false,
  about: "how often one engine worker applies the store's retention (a Redis lock keeps it to one at a time)",
});
