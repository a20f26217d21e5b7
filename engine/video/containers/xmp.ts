// A small XMP packet for image formats without native text tags (WebP) and as the standard carrier in PNG/JPEG.
// Besides Dublin Core title/description it carries IPTC's DigitalSourceType "trainedAlgorithmicMedia", the
// vocabulary platforms check for AI-generated media; every tag is also kept verbatim under our own namespace so it
// round-trips exactly.

const NS = "urn:sora-bot:provenance:1";
const TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(x?)([0-9a-f]+);/gi, (_, hex: string, n: string) => String.fromCodePoint(parseInt(n, hex ? 16 : 10)))
    .replace(/&amp;/g, "&");

const xmlName = (key: string) => key.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=[0-9])/, "_");

function alt(tag: string, value: string | undefined): string {
  return value === undefined ? "" : `\n   <${tag}><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(value)}</rdf:li></rdf:Alt></${tag}>`;
}

export function buildXmp(tags: Record<string, string>): string {
  const attrs = [
    tags.software && `xmp:CreatorTool="${escapeXml(tags.software)}"`,
    tags.creation_time && `xmp:CreateDate="${escapeXml(tags.creation_time)}"`,
    tags.ai_generated === "true" && `Iptc4xmpExt:DigitalSourceType="${TRAINED_ALGORITHMIC_MEDIA}"`,
    ...Object.entries(tags).map(([k, v]) => `sora:${xmlName(k)}="${escapeXml(v)}"`),
  ].filter(Boolean);
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n` +
    `  <rdf:Description rdf:about=""\n    xmlns:dc="http://purl.org/dc/elements/1.1/"\n` +
    `    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n` +
    `    xmlns:sora="${NS}"\n    ${attrs.join("\n    ")}>` +
    alt("dc:title", tags.title) +
    alt("dc:description", tags.description ?? tags.comment) +
    `\n  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>`
  );
}

/** Our tags back out of a packet written by buildXmp (attributes in the sora namespace). */
export function parseXmp(xmp: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xmp.matchAll(/\bsora:([A-Za-z0-9_]+)="([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
  return out;
}
