// Picture sizes come from the header bytes the caller hands in, and from nothing after them.
import { describe, expect, it } from "vitest";
import { pictureDimensions } from "../../engine/video/pixels.ts";

describe("pictureDimensions", () => {
  it("reads no byte past the end of a view into a larger buffer", () => {
    // A truncated GIF header whose view sits in a larger buffer (as Node's pooled Buffers do) followed by bytes
    // that would read as a 32639 × 32639 canvas: image-size used to take them.
    const backing = Buffer.alloc(64, 0x7f);
    backing.write("GIF89a", 0, "latin1");
    expect(pictureDimensions(backing.subarray(0, 6))).toBeUndefined();
    expect(pictureDimensions(backing.subarray(0, 10))).toEqual({ width: 0x7f7f, height: 0x7f7f });
  });
});
