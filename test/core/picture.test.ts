// Every uploaded picture is measured from its header: too many pixels is refused by name, nothing decoded.
import { describe, expect, it } from "vitest";
import { checkPicture } from "../../bot/core/remote-image.ts";
import { encodePng } from "../../engine/synth/png.ts";
import { hugeGifHeader, hugePngHeader } from "../security/pictures.ts";

describe("checkPicture", () => {
  it("takes a real picture and names its type", () => {
    expect(checkPicture(encodePng(new Uint8Array(8 * 8 * 3), 8, 8))).toBe("png");
  });

  it("refuses a canvas over the pixel limit from its header", () => {
    const t0 = performance.now();
    for (const huge of [hugePngHeader(), hugeGifHeader()]) {
      expect(() => checkPicture(huge)).toThrow(expect.objectContaining({ key: "errors.imageTooManyPixels" }));
    }
    expect(() => checkPicture(hugePngHeader(100, 100), 5_000)).toThrow(expect.objectContaining({ key: "errors.imageTooManyPixels", params: { width: 100, height: 100, max: 0 } }));
    expect(performance.now() - t0, "nothing was decoded").toBeLessThan(1000);
  });

  it("refuses bytes that only start like a picture", () => {
    expect(() => checkPicture(Buffer.from("GIF89a"))).toThrow(expect.objectContaining({ key: "errors.notImage" }));
    expect(() => checkPicture(Buffer.from("<svg></svg>"))).toThrow(expect.objectContaining({ key: "errors.notImage" }));
  });
});
