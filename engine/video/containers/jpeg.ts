// JPEG COM and XMP (APP1) segments for provenance; ffmpeg's MJPEG encoder only writes its own "Lavc…" comment.

const XMP_NS = Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1");

export function isJpeg(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}

function segment(marker: number, payload: Buffer): Buffer {
  if (payload.length > 65533) throw new Error("JPEG segment too large");
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

interface Segment {
  marker: number;
  start: number;
  end: number;
  payload: Buffer;
}

/** Header segments up to start-of-scan (the entropy-coded data after SOS is not segment-structured). */
function headerSegments(buf: Buffer): { segments: Segment[]; bodyStart: number } {
  if (!isJpeg(buf)) throw new Error("not a JPEG file");
  const segments: Segment[] = [];
  let pos = 2;
  while (pos + 4 <= buf.length && buf[pos] === 0xff) {
    const marker = buf[pos + 1];
    if (marker === 0xda) break; // SOS
    const len = buf.readUInt16BE(pos + 2);
    const end = pos + 2 + len;
    segments.push({ marker, start: pos, end, payload: buf.subarray(pos + 4, end) });
    pos = end;
  }
  return { segments, bodyStart: pos };
}

/** Returns the JPEG with our COM text and XMP packet placed after the APP0 (JFIF) segment, replacing older ones. */
export function setJpegMetadata(buf: Buffer, comment: string, xmp: string): Buffer {
  const { segments, bodyStart } = headerSegments(buf);
  const kept = segments.filter((s) => s.marker !== 0xfe && !(s.marker === 0xe1 && s.payload.subarray(0, XMP_NS.length).equals(XMP_NS)));
  const ours = [segment(0xfe, Buffer.from(comment, "utf8")), segment(0xe1, Buffer.concat([XMP_NS, Buffer.from(xmp, "utf8")]))];
  // JFIF requires APP0 to come first, so insert after it when present.
  const app0 = kept.length > 0 && kept[0].marker === 0xe0 ? 1 : 0;
  const parts = [
    buf.subarray(0, 2),
    ...kept.slice(0, app0).map((s) => buf.subarray(s.start, s.end)),
    ...ours,
    ...kept.slice(app0).map((s) => buf.subarray(s.start, s.end)),
    buf.subarray(bodyStart),
  ];
  return Buffer.concat(parts);
}

export function getJpegMetadata(buf: Buffer): { comments: string[]; xmp?: string } {
  const { segments } = headerSegments(buf);
  const comments = segments.filter((s) => s.marker === 0xfe).map((s) => s.payload.toString("utf8"));
  const xmpSeg = segments.find((s) => s.marker === 0xe1 && s.payload.subarray(0, XMP_NS.length).equals(XMP_NS));
  return { comments, xmp: xmpSeg?.payload.subarray(XMP_NS.length).toString("utf8") };
}
