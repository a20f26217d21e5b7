// Pictures are measured from their header before anything decodes them: a 16000×16000 PNG is a few hundred kilobytes
// on the wire and 770 MB once decoded. image-size reads the dimensions from the first bytes of PNG, JPEG, GIF, WebP
// and the other common formats; the limit is SORA_MAX_IMAGE_PIXELS.
import { open } from "node:fs/promises";
import { imageSize } from "image-size";
import { MAX_IMAGE_PIXELS } from "../config/limits.ts";
import { readSetting } from "../config/settings.ts";
import { PictureTooLargeError } from "./errors.ts";

/** Enough of a file to reach the size of any picture we accept (a JPEG's SOF may follow tens of KB of EXIF). */
const HEADER_BYTES = 512 * 1024;

export interface Dimensions {
  width: number;
  height: number;
}

/** The picture's size from its header, or undefined when the bytes are no picture image-size knows. */
export function pictureDimensions(head: Uint8Array): Dimensions | undefined {
  try {
    // A copy with its own memory: image-size reads through the view's whole ArrayBuffer, so a short view into a
    // larger one (Node's pooled Buffers, a subarray of a read buffer) took its size from whatever bytes followed.
    const { width, height } = imageSize(new Uint8Array(head));
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/** The same, reading only the head of a file. */
export async function fileDimensions(file: string): Promise<Dimensions | undefined> {
  const fh = await open(file, "r");
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEADER_BYTES, 0);
    return pictureDimensions(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Throws PictureTooLargeError when width × height is above the limit (default SORA_MAX_IMAGE_PIXELS). */
export function checkPixels(d: Dimensions, what: string, max = readSetting(MAX_IMAGE_PIXELS)): void {
  if (d.width * d.height > max) {
    throw new PictureTooLargeError(`${what} is ${d.width}×${d.height} pixels; the limit is ${max} pixels`, d.width, d.height, max);
  }
}
