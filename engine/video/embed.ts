// Adds provenance to an image file ffmpeg has just written (see metadata.ts for why ffmpeg cannot do it itself).

import { readFile, writeFile } from "node:fs/promises";
import { embedImageMetadata, provenanceTags, type Provenance } from "./metadata.ts";

export async function embedProvenanceInImage(file: string, metadata: Provenance | undefined): Promise<void> {
  const buf = await readFile(file);
  await writeFile(file, embedImageMetadata(buf, provenanceTags(metadata)));
}
