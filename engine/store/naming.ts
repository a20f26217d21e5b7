// Ids, keys and extensions checked in one place. Clip ids and blob keys become file paths in the fs backend, so
// anything that could climb out of the store directory ("..", "/" inside a segment) is refused here.
import { randomUUID } from "node:crypto";
import { BadStoreInput } from "./errors.ts";
import type { LooseBlobKind } from "./types.ts";

const ID = /^[A-Za-z0-9_-]{1,200}$/;
const EXT = /^[a-z0-9]{1,8}$/;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/;

export function checkId(id: string): string {
  if (!ID.test(id)) throw new BadStoreInput(`bad clip id ${JSON.stringify(id)}: use letters, digits, _ and -`);
  return id;
}

export function checkExt(ext: string): string {
  if (!EXT.test(ext)) throw new BadStoreInput(`bad file extension ${JSON.stringify(ext)}`);
  return ext;
}

/** A blob key: 2–3 safe segments, e.g. clips/<id>/video.mp4 or frames/<uuid>.png. */
export function checkKey(key: string): string {
  const parts = key.split("/");
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => SEGMENT.test(p) && !p.includes(".."))) {
    throw new BadStoreInput(`bad blob key ${JSON.stringify(key)}`);
  }
  return key;
}

export function newClipId(): string {
  return `clip_${randomUUID().replaceAll("-", "")}`;
}

export function clipBlobKey(clipId: string, name: "video" | "preview" | "thumbnail", ext: string): string {
  return `clips/${checkId(clipId)}/${name}.${checkExt(ext)}`;
}

export function looseBlobKey(kind: LooseBlobKind, ext: string): string {
  return `${kind === "frame" ? "frames" : "previews"}/${randomUUID()}.${checkExt(ext)}`;
}
