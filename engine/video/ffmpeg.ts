// Locating the ffmpeg/ffprobe binaries and wiring them into fluent-ffmpeg.
// Resolution is synchronous and cached so every entry point fails fast with the same clear message when ffmpeg is
// missing, instead of fluent-ffmpeg's generic "Cannot find ffmpeg" deep inside a callback.

import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { FfmpegNotFoundError } from "./errors.ts";

const INSTALL_HINT =
  "install it with `apt-get install ffmpeg` (Debian/Ubuntu; `brew install ffmpeg` on macOS) " +
  "or point FFMPEG_PATH / FFPROBE_PATH at the binaries";

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

let cached: FfmpegBinaries | undefined;

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? ["", ".exe"] : [""];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function resolveOne(name: "ffmpeg" | "ffprobe", envVar: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    // An explicit but wrong setting is a configuration mistake: say so rather than silently using PATH.
    if (!isExecutable(fromEnv)) throw new FfmpegNotFoundError(`${envVar}=${fromEnv} is not an executable file; ${INSTALL_HINT}`);
    return fromEnv;
  }
  const found = findOnPath(name);
  if (!found) throw new FfmpegNotFoundError(`${name} was not found on PATH; ${INSTALL_HINT}`);
  return found;
}

/** Finds ffmpeg and ffprobe (FFMPEG_PATH / FFPROBE_PATH, else PATH) and configures fluent-ffmpeg to use them. */
export function resolveBinaries(): FfmpegBinaries {
  if (cached) return cached;
  const bins = { ffmpeg: resolveOne("ffmpeg", "FFMPEG_PATH"), ffprobe: resolveOne("ffprobe", "FFPROBE_PATH") };
  ffmpeg.setFfmpegPath(bins.ffmpeg);
  ffmpeg.setFfprobePath(bins.ffprobe);
  cached = bins;
  return bins;
}

/** Forgets the cached paths (tests, or after the environment changed). */
export function resetBinaries(): void {
  cached = undefined;
}

/**
 * A fresh fluent-ffmpeg command with quiet logging: only real errors reach stderr, so the last lines of stderr are
 * the message we show when something fails.
 */
export function ffmpegCommand(): ffmpeg.FfmpegCommand {
  resolveBinaries();
  return ffmpeg({ stdoutLines: 50 }).outputOptions("-hide_banner", "-loglevel", "error");
}

/**
 * fluent-ffmpeg's `inputOptions([...])` / `outputOptions([...])` split every element that holds exactly one space into
 * two arguments (lib/options/custom.js), so `["-metadata", "title=hello there"]` made `there` an output file. Its
 * multi-argument form passes each element through as one argv entry: these two helpers are the only way options
 * reach a command in this module (a test checks that no other call site exists).
 */
export function withInputArgs(command: ffmpeg.FfmpegCommand, args: readonly string[]): ffmpeg.FfmpegCommand {
  return args.length ? command.inputOptions(...verbatim(args)) : command;
}

export function withOutputArgs(command: ffmpeg.FfmpegCommand, args: readonly string[]): ffmpeg.FfmpegCommand {
  return args.length ? command.outputOptions(...verbatim(args)) : command;
}

/** A lone element would go through the splitting path again: only whitespace-free flags may stand alone. */
function verbatim(args: readonly string[]): string[] {
  if (args.length === 1 && /\s/.test(args[0]!)) throw new TypeError(`a lone ffmpeg option must not contain whitespace: ${JSON.stringify(args[0])}`);
  return [...args];
}

/**
 * A local path as ffmpeg must read it: ffmpeg takes `name:` prefixes as protocols (`http:…`, `concat:…`, `pipe:…`),
 * so a path is always given as an absolute `file:` URL, whatever its text.
 */
export function filePath(path: string): string {
  return `file:${resolve(path)}`;
}

let encodersPromise: Promise<Set<string>> | undefined;

/** Names of the encoders this ffmpeg build has (e.g. "libx264", "libwebp_anim", "gif"); cached per process. */
export function availableEncoders(): Promise<Set<string>> {
  encodersPromise ??= new Promise<Set<string>>((resolve, reject) => {
    resolveBinaries();
    ffmpeg.getAvailableEncoders((err, encoders) => {
      if (err) reject(new FfmpegNotFoundError(`could not list ffmpeg encoders: ${err.message}; ${INSTALL_HINT}`, { cause: err }));
      else resolve(new Set(Object.keys(encoders)));
    });
  }).catch((err: unknown) => {
    encodersPromise = undefined; // let a later call retry, e.g. after ffmpeg was installed
    throw err;
  });
  return encodersPromise;
}

export async function hasEncoder(name: string): Promise<boolean> {
  return (await availableEncoders()).has(name);
}
