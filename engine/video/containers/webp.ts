// Minimal WebP (RIFF) reading and writing. Two reasons we need it: ffmpeg 5.1 cannot parse animated WebP (ffprobe
// reports 0×0), so probe() falls back to the RIFF headers; and ffmpeg writes no metadata into WebP, so provenance
// goes into an XMP chunk that we add ourselves.

const VP8X_FLAG_XMP = 0x04;
const VP8X_FLAG_ANIMATION = 0x02;

interface Chunk {
  fourcc: string;
  data: Buffer;
}

export function isWebp(buf: Buffer): boolean {
  return buf.length >= 12 && buf.toString("latin1", 0, 4) === "RIFF" && buf.toString("latin1", 8, 12) === "WEBP";
}

function readChunks(buf: Buffer): Chunk[] {
  if (!isWebp(buf)) throw new Error("not a WebP file");
  const chunks: Chunk[] = [];
  const end = Math.min(buf.length, 8 + buf.readUInt32LE(4));
  let pos = 12;
  while (pos + 8 <= end) {
    const fourcc = buf.toString("latin1", pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const start = pos + 8;
    if (start + size > end) throw new Error(`truncated WebP chunk ${fourcc}`);
    chunks.push({ fourcc, data: buf.subarray(start, start + size) });
    pos = start + size + (size & 1); // chunks are padded to even length
  }
  return chunks;
}

function writeChunks(chunks: Chunk[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const head = Buffer.alloc(8);
    head.write(c.fourcc, 0, "latin1");
    head.writeUInt32LE(c.data.length, 4);
    parts.push(head, c.data);
    if (c.data.length & 1) parts.push(Buffer.alloc(1));
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(body.length + 4, 4);
  header.write("WEBP", 8, "latin1");
  return Buffer.concat([header, body]);
}

export interface WebpInfo {
  width: number;
  height: number;
  animated: boolean;
  frames: number;
  /** Sum of the frame durations in ms (0 for a still image). */
  durationMs: number;
}

/** Canvas size and frame count from the container, without decoding any pixels. */
export function webpInfo(buf: Buffer): WebpInfo {
  const chunks = readChunks(buf);
  const vp8x = chunks.find((c) => c.fourcc === "VP8X");
  if (vp8x && vp8x.data.length >= 10) {
    const anmf = chunks.filter((c) => c.fourcc === "ANMF");
    return {
      width: vp8x.data.readUIntLE(4, 3) + 1,
      height: vp8x.data.readUIntLE(7, 3) + 1,
      animated: (vp8x.data[0] & VP8X_FLAG_ANIMATION) !== 0,
      frames: anmf.length || 1,
      durationMs: anmf.reduce((sum, c) => sum + (c.data.length >= 15 ? c.data.readUIntLE(12, 3) : 0), 0),
    };
  }
  const vp8l = chunks.find((c) => c.fourcc === "VP8L");
  if (vp8l && vp8l.data.length >= 5) {
    const bits = vp8l.data.readUInt32LE(1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, animated: false, frames: 1, durationMs: 0 };
  }
  const vp8 = chunks.find((c) => c.fourcc === "VP8 ");
  if (vp8 && vp8.data.length >= 10) {
    return { width: vp8.data.readUInt16LE(6) & 0x3fff, height: vp8.data.readUInt16LE(8) & 0x3fff, animated: false, frames: 1, durationMs: 0 };
  }
  throw new Error("WebP file has no image chunk");
}

/** Returns the file with `xmp` stored in an XMP chunk (replacing any old one) and the VP8X XMP flag set. */
export function setWebpXmp(buf: Buffer, xmp: string): Buffer {
  let chunks = readChunks(buf).filter((c) => c.fourcc !== "XMP ");
  let vp8x = chunks.find((c) => c.fourcc === "VP8X");
  if (!vp8x) {
    // A simple (still) WebP has no extended header; metadata needs one, which carries the canvas size.
    const { width, height } = webpInfo(buf);
    const data = Buffer.alloc(10);
    data.writeUIntLE(width - 1, 4, 3);
    data.writeUIntLE(height - 1, 7, 3);
    vp8x = { fourcc: "VP8X", data };
    chunks = [vp8x, ...chunks];
  }
  const flags = Buffer.from(vp8x.data);
  flags[0] |= VP8X_FLAG_XMP;
  vp8x.data = flags;
  // The spec puts XMP last, after the image/animation chunks.
  return writeChunks([...chunks, { fourcc: "XMP ", data: Buffer.from(xmp, "utf8") }]);
}

export function getWebpXmp(buf: Buffer): string | undefined {
  return readChunks(buf).find((c) => c.fourcc === "XMP ")?.data.toString("utf8");
}
