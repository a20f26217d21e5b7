// The order in which a lineage's clips play when stitched. Each stored clip holds what it adds (request.ts):
// extensions add after their parent (before it when backward), interpolations add the way to another clip; remixes,
// rerolls and loops of a clip stand in for their parent; a stitched clip already is the whole timeline up to it.
import type { ClipRecord } from "../store/types.ts";

/** `lineage` runs root → last (ClipStore.lineage); the result is the play order. */
export function timeline(lineage: ClipRecord[]): ClipRecord[] {
  let parts: ClipRecord[] = [];
  for (const rec of lineage) {
    // Each clip's parent is the one before it in the lineage, and every step below leaves it in `parts`; only the
    // first clip (the root, or the first after a deleted ancestor) has none there.
    const at = rec.parentId === undefined ? -1 : parts.findIndex((p) => p.id === rec.parentId);
    const direction = (rec.params as { direction?: unknown }).direction;
    if (rec.kind === "stitch" || at < 0) parts = [rec];
    else if (rec.kind === "remix" || rec.kind === "reroll" || rec.kind === "loop") parts[at] = rec;
    else if (rec.kind === "extend" && direction === "backward") parts.splice(at, 0, rec);
    else parts.splice(at + 1, 0, rec);
  }
  return parts;
}
