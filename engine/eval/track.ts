// Linking per-frame blobs into object tracks: same colour name and a nearby centroid.
import type { Blob } from "./segment.ts";
import type { ColorName } from "./synth-bridge.ts";

export interface Track {
  /** Majority colour name of the track's blobs. */
  color: ColorName;
  /** One entry per frame; null where the object was not found. */
  blobs: (Blob | null)[];
  /** Frames where the object was found. */
  seen: number;
}

/**
 * Largest centroid jump between consecutive sightings, in normalized frame units. Fast orbits move ~0.1 per frame
 * and fast bounces ~0.15, so 0.3 keeps them linked while leaving distant objects apart.
 */
const MAX_JUMP = 0.3;
/** A different colour name costs as much as this much distance (a model's colour may drift over a clip). */
const COLOUR_PENALTY = 0.5;

export function linkTracks(perFrame: Blob[][], width: number, height: number): Track[] {
  const frames = perFrame.length;
  const open: { blobs: (Blob | null)[]; last: Blob }[] = [];
  for (let t = 0; t < frames; t++) {
    const pairs: { cost: number; track: number; blob: number }[] = [];
    open.forEach((tr, i) => {
      perFrame[t].forEach((b, j) => {
        const d = Math.hypot((b.cx - tr.last.cx) / width, (b.cy - tr.last.cy) / height);
        if (d > MAX_JUMP) return;
        pairs.push({ cost: d + (b.color === tr.last.color ? 0 : COLOUR_PENALTY), track: i, blob: j });
      });
    });
    pairs.sort((a, b) => a.cost - b.cost);
    const usedTrack = new Set<number>();
    const usedBlob = new Set<number>();
    for (const p of pairs) {
      if (usedTrack.has(p.track) || usedBlob.has(p.blob)) continue;
      usedTrack.add(p.track);
      usedBlob.add(p.blob);
      const b = perFrame[t][p.blob];
      open[p.track].blobs[t] = b;
      open[p.track].last = b;
    }
    perFrame[t].forEach((b, j) => {
      if (usedBlob.has(j)) return;
      const blobs = new Array<Blob | null>(frames).fill(null);
      blobs[t] = b;
      open.push({ blobs, last: b });
    });
  }
  return open.map(({ blobs }) => {
    const votes = new Map<ColorName, number>();
    let seen = 0;
    for (const b of blobs) {
      if (!b) continue;
      seen++;
      // Weighted by area so that a few blended edge blobs do not outvote the object.
      votes.set(b.color, (votes.get(b.color) ?? 0) + b.area);
    }
    const color = [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
    return { color, blobs, seen };
  });
}

/** Tracks present in at least half the frames: real objects, not noise or a blob split for a frame or two. */
export function persistentTracks(tracks: Track[], frames: number): Track[] {
  return tracks.filter((t) => t.seen >= Math.max(2, Math.ceil(frames / 2)));
}
