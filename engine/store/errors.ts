// Store errors, each with a locales/ key for the adapter.
export class ClipNotFound extends Error {
  override name = "ClipNotFound";
  readonly userMessageKey = "store.clipNotFound";
  constructor(readonly clipId: string) {
    super(`no clip with id ${clipId}`);
  }
}

export class BlobNotFound extends Error {
  override name = "BlobNotFound";
  readonly userMessageKey = "store.clipNotFound";
  constructor(readonly key: string) {
    super(`no stored file ${key}`);
  }
}

export class NotClipOwner extends Error {
  override name = "NotClipOwner";
  readonly userMessageKey = "store.notOwner";
  constructor(readonly clipId: string) {
    super(`clip ${clipId} belongs to someone else`);
  }
}

/** A malformed id, key or extension (would otherwise reach a file path or a Redis key). */
export class BadStoreInput extends Error {
  override name = "BadStoreInput";
}
