// PNG text chunks. ffmpeg's PNG encoder writes no metadata, so provenance is added here after encoding.
// Latin-1 values go in tEXt (which ffprobe reports as frame tags); anything else (e.g. a prompt with emoji) in iTXt,
// which is UTF-8 but which ffmpeg 5.1 does not read, so our own reader below handles both.

import { crc32, inflateSync } from "node:zlib";

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** One PNG chunk: length, type, data, CRC-32 over type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function* chunks(buf: Buffer): Generator<{ type: string; data: Buffer; start: number; end: number }> {
  if (!isPng(buf)) throw new Error("not a PNG file");
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const end = pos + 12 + len;
    if (end > buf.length) throw new Error(`truncated PNG chunk ${type}`);
    yield { type, data: buf.subarray(pos + 8, pos + 8 + len), start: pos, end };
    pos = end;
  }
}

const isLatin1 = (s: string) => /^[\x20-\x7e\xa0-\xff\n]*$/.test(s);

/** PNG keywords must be 1–79 printable Latin-1 characters. */
function keyword(key: string): string {
  const k = key.replace(/[^\x20-\x7e\xa1-\xff]/g, "_").trim().slice(0, 79);
  if (!k) throw new Error(`invalid PNG text keyword ${JSON.stringify(key)}`);
  return k;
}

function textChunk(key: string, value: string): Buffer {
  const k = keyword(key);
  if (isLatin1(value)) return pngChunk("tEXt", Buffer.concat([Buffer.from(k, "latin1"), Buffer.from([0]), Buffer.from(value, "latin1")]));
  // iTXt: keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, UTF-8 text.
  return pngChunk("iTXt", Buffer.concat([Buffer.from(k, "latin1"), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(value, "utf8")]));
}

/** Returns the PNG with the given text entries inserted right after IHDR (old entries with the same keys removed). */
export function setPngText(buf: Buffer, entries: Record<string, string>): Buffer {
  const keys = new Set(Object.keys(entries).map(keyword));
  const parts: Buffer[] = [buf.subarray(0, 8)];
  for (const c of chunks(buf)) {
    if ((c.type === "tEXt" || c.type === "iTXt" || c.type === "zTXt") && keys.has(parseText(c.type, c.data)?.[0] ?? "")) continue;
    parts.push(buf.subarray(c.start, c.end));
    if (c.type === "IHDR") for (const [k, v] of Object.entries(entries)) parts.push(textChunk(k, v));
  }
  return Buffer.concat(parts);
}

function parseText(type: string, data: Buffer): [string, string] | undefined {
  const nul = data.indexOf(0);
  if (nul <= 0) return undefined;
  const key = data.toString("latin1", 0, nul);
  if (type === "tEXt") return [key, data.toString("latin1", nul + 1)];
  if (type === "zTXt") return [key, inflateSync(data.subarray(nul + 2)).toString("latin1")];
  if (type === "iTXt") {
    const compressed = data[nul + 1] === 1;
    const langEnd = data.indexOf(0, nul + 3);
    const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
    if (transEnd < 0) return undefined;
    const text = data.subarray(transEnd + 1);
    return [key, (compressed ? inflateSync(text) : text).toString("utf8")];
  }
  return undefined;
}

/** All tEXt / zTXt / iTXt entries, keyed as written. */
export function getPngText(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of chunks(buf)) {
    if (c.type === "IDAT") continue;
    const kv = parseText(c.type, c.data);
    if (kv) out[kv[0]] = kv[1];
  }
  return out;
}
