// The part of the clip store (engine/store, CONTRACTS.md) that commands and reply resolution read. Declared here as
// a port so bot/core depends on the contract, not on a backend; the store's ClipRecord / ClipStore satisfy it.
import type { Actor } from "../../engine/queue/identity.ts";
import type { ClipRecord } from "../../engine/store/types.ts";

/** What commands read of a clip: the store's record without its file keys and frame geometry. */
export type ClipInfo = Omit<ClipRecord, "files" | "frames">;

type Maybe<T> = Promise<T | undefined | null>;

export interface ClipLookup {
  getClip(id: string): Maybe<ClipInfo>;
  clipForMessage(platform: string, messageId: string): Maybe<ClipInfo>;
  latestInThread(platform: string, threadId: string): Maybe<ClipInfo>;
  /** Throws unless `by` made the clip or manages the server it was made in (engine/queue/identity.ts). */
  deleteClip(id: string, by: Actor): Promise<unknown>;
}

/**
 * The clip a message continues: the clip of the message it replies to, else the newest clip of the thread it is in
 * (a plain message in a clip's thread continues the latest clip, as people expect from a conversation).
 */
export async function findParentClip(
  store: ClipLookup,
  platform: string,
  where: { replyToMessageId?: string; threadId?: string },
): Promise<ClipInfo | undefined> {
  if (where.replyToMessageId) {
    const clip = await store.clipForMessage(platform, where.replyToMessageId);
    if (clip) return clip;
  }
  if (!where.threadId) return undefined;
  // A thread started from a message carries that message's id (Discord does this), so a thread opened under a clip's
  // message, whose clips were made outside it, still resolves to that clip.
  return (await store.latestInThread(platform, where.threadId)) ?? (await store.clipForMessage(platform, where.threadId)) ?? undefined;
}
