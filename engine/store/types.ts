// The clip store's contract (engine/queue/CONTRACTS.md): records with lineage and their files. Workers write; the bot
// reads (which message shows which clip is the bot's own business, kept in its own keys).
import type { Actor } from "../queue/identity.ts";
import type { JobKind, Origin } from "../queue/schema.ts";

export interface ClipFiles {
  /** Keys in the blob backend (readBlob). */
  video: string;
  preview?: string;
  thumbnail?: string;
}

export interface ClipRecord {
  id: string;
  parentId?: string;
  /** The first clip of the lineage (the clip itself when it has no parent). */
  rootId: string;
  kind: JobKind;
  prompt: string;
  expandedPrompt: string;
  /** The objects the denoiser's layout input placed (colour, shape, motion), when it ran with one. */
  layout?: string[];
  seed: number;
  params: Record<string, unknown>;
  origin: Origin;
  /** ISO 8601. */
  createdAt: string;
  files: ClipFiles;
  frames: { width: number; height: number; fps: number; count: number };
}

/** What a worker hands to putClip: the store derives rootId and files. */
export interface NewClip extends Omit<ClipRecord, "id" | "rootId" | "createdAt" | "files"> {
  /** Give one derived from the job id so a retried job finds its clip instead of storing a second. Default: random. */
  id?: string;
  createdAt?: string;
}

/** A file's bytes and its extension ("mp4", "webp", "png"). */
export interface BlobInput {
  data: Buffer;
  ext: string;
}

export interface ClipBlobs {
  video: BlobInput;
  preview?: BlobInput;
  thumbnail?: BlobInput;
}

export type LooseBlobKind = "frame" | "preview";

export interface ClipStore {
  /**
   * Store a clip: blobs first, the record last, so a record always has its files. Idempotent by id: if the id is
   * taken, the existing record is returned and nothing is written. Throws ClipNotFound when parentId is unknown.
   */
  putClip(rec: NewClip, blobs: ClipBlobs): Promise<ClipRecord>;
  getClip(id: string): Promise<ClipRecord | undefined>;
  /** Root → id. Stops early at an ancestor that was deleted. Throws ClipNotFound when id itself is unknown. */
  lineage(id: string): Promise<ClipRecord[]>;
  /** A conditioning frame (animate) or progress preview, not tied to a clip record; returns its key. */
  putBlob(data: Buffer, ext: string, kind?: LooseBlobKind): Promise<string>;
  hasBlob(key: string): Promise<boolean>;
  /** Throws BlobNotFound. */
  readBlob(key: string): Promise<Buffer>;
  /**
   * Delete a clip and its files. Only its owner (origin.platform + userId) may, or a manager of the server it
   * was made in (`by.manager`: the adapter checks the platform permission). Returns false when there was no such clip;
   * throws NotClipOwner. Children keep their parentId; their lineage then starts after the gap.
   */
  deleteClip(id: string, by: Actor): Promise<boolean>;
  /** Every clip record, in no particular order (the retention sweep reads them all). */
  listClips(): AsyncIterable<ClipRecord>;
  /** Bytes the clip's files take in the blob backend. */
  clipBytes(rec: ClipRecord): Promise<number>;
  /** Remove a clip as deleteClip does, for the operator's retention (no owner check). False when it was gone. */
  expireClip(id: string): Promise<boolean>;
  close(): Promise<void>;
}
