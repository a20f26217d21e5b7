// GIF comment extension. ffmpeg writes no comment into GIFs but its demuxer reads one back (format tag "comment"),
// so provenance goes into a single comment block placed before the first frame.

export function isGif(buf: Buffer): boolean {
  const sig = buf.toString("latin1", 0, 6);
  return sig === "GIF87a" || sig === "GIF89a";
}

/** Offset just past the header, logical screen descriptor and global colour table. */
function afterHeader(buf: Buffer): number {
  if (!isGif(buf) || buf.length < 13) throw new Error("not a GIF file");
  const flags = buf[10];
  const gct = flags & 0x80 ? 3 * (2 << (flags & 0x07)) : 0;
  return 13 + gct;
}

/** Skips a chain of data sub-blocks starting at pos; returns the offset after the 0 terminator. */
function skipSubBlocks(buf: Buffer, pos: number): number {
  while (pos < buf.length && buf[pos] !== 0) pos += buf[pos] + 1;
  return pos + 1;
}

/** Returns the GIF with `text` as its only comment extension. */
export function setGifComment(buf: Buffer, text: string): Buffer {
  const start = afterHeader(buf);
  const data = Buffer.from(text, "utf8");
  const block: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    block.push(Buffer.from([part.length]), part);
  }
  block.push(Buffer.from([0]));
  // Drop existing comment blocks so repeated writes do not pile up.
  const rest: Buffer[] = [];
  let pos = start;
  while (pos < buf.length && buf[pos] === 0x21) {
    const end = skipSubBlocks(buf, pos + 2);
    if (buf[pos + 1] !== 0xfe) rest.push(buf.subarray(pos, end));
    pos = end;
  }
  rest.push(buf.subarray(pos));
  // GIF87a has no extensions: the comment needs the 89a header.
  const header = Buffer.from(buf.subarray(0, start));
  header.write("GIF89a", 0, "latin1");
  return Buffer.concat([header, ...block, ...rest]);
}

/** The first comment extension's text, if any (scans extensions before the first image and between frames). */
export function getGifComment(buf: Buffer): string | undefined {
  let pos = afterHeader(buf);
  while (pos < buf.length) {
    const b = buf[pos];
    if (b === 0x3b) return undefined; // trailer
    if (b === 0x21) {
      if (buf[pos + 1] === 0xfe) {
        const parts: Buffer[] = [];
        let p = pos + 2;
        while (p < buf.length && buf[p] !== 0) {
          parts.push(buf.subarray(p + 1, p + 1 + buf[p]));
          p += buf[p] + 1;
        }
        return Buffer.concat(parts).toString("utf8");
      }
      pos = skipSubBlocks(buf, pos + 2);
    } else if (b === 0x2c) {
      // Image descriptor: 10 bytes, optional local colour table, LZW min code size, then sub-blocks.
      const flags = buf[pos + 9];
      const lct = flags & 0x80 ? 3 * (2 << (flags & 0x07)) : 0;
      pos = skipSubBlocks(buf, pos + 10 + lct + 1);
    } else {
      return undefined; // corrupt
    }
  }
  return undefined;
}
