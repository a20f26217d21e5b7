// Walking parent links, shared by both backends.
import { ClipNotFound } from "./errors.ts";
import type { ClipRecord } from "./types.ts";

/** Lineages are short (each step is a user action); the cap only guards against a corrupted cycle. */
const MAX_DEPTH = 1000;

export async function walkLineage(
  id: string,
  get: (id: string) => Promise<ClipRecord | undefined>,
): Promise<ClipRecord[]> {
  const first = await get(id);
  if (!first) throw new ClipNotFound(id);
  const chain = [first];
  const seen = new Set([id]);
  let cur = first;
  while (cur.parentId && chain.length < MAX_DEPTH && !seen.has(cur.parentId)) {
    const parent = await get(cur.parentId);
    if (!parent) break; // deleted ancestor: the lineage starts after the gap
    seen.add(parent.id);
    chain.push(parent);
    cur = parent;
  }
  return chain.reverse();
}

/** Blob keys a record owns. */
export function recordBlobKeys(rec: ClipRecord): string[] {
  return [rec.files.video, rec.files.preview, rec.files.thumbnail].filter((k): k is string => k !== undefined);
}
