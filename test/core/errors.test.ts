// Errors from below the commands become the user's localized messages, never a stack trace and a generic apology.
import { describe, expect, it } from "vitest";
import { fromQueueError } from "../../commands/errors.ts";
import { BadStoreInput } from "../../engine/store/errors.ts";
import { FsClipStore } from "../../engine/store/index.ts";

describe("fromQueueError", () => {
  it("turns the store's refusal of a malformed id into the unknown-clip message", async () => {
    const store = new FsClipStore("/nonexistent-sora-test-store");
    const err = await store.getClip("../../etc/passwd").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadStoreInput);
    expect(fromQueueError(err)).toMatchObject({ key: "errors.unknownClip" });
  });
});
