// The playground's text box: Slack-style text, Discord-style `name: value` options, and refusals as user errors.
import { describe, expect, it } from "vitest";
import { UserError } from "../../commands/errors.ts";
import { parseInput } from "../../commands/route.ts";
import { sniffImage } from "../../bot/core/remote-image.ts";
import { encodePng } from "../../engine/synth/png.ts";

describe("playground input", () => {
  it("reads /sora with inline flags as Slack does", () => {
    expect(parseInput("/sora a red ball --ar 16:9")).toEqual({ command: "sora", args: { prompt: "a red ball --ar 16:9" } });
    expect(parseInput("a red ball")).toEqual({ command: "sora", args: { prompt: "a red ball" } });
    expect(parseInput("/sora queue")).toEqual({ command: "queue", args: {} });
    expect(parseInput("/sora")).toEqual({ command: "sora", args: { prompt: "" } });
  });

  it("reads Discord-style options, typed by the command's definition", () => {
    expect(parseInput("/sora prompt: a red ball seed: 7 aspect: 16:9")).toEqual({
      command: "sora", args: { prompt: "a red ball", seed: 7, aspect: "16:9" },
    });
    expect(parseInput("/extend clip: clip_1 prompt: it rolls away backward: true")).toEqual({
      command: "extend", args: { clip: "clip_1", prompt: "it rolls away", backward: true },
    });
    expect(parseInput("/cancel playground-abc")).toEqual({ command: "cancel", args: { job: "playground-abc" } });
    expect(parseInput("/info")).toEqual({ command: "info", args: {} });
  });

  it("accepts localized command names", () => {
    expect(parseInput("/remezclar clip: c1 prompt: de noche")).toEqual({ command: "remix", args: { clip: "c1", prompt: "de noche" } });
    expect(parseInput("/キュー")).toEqual({ command: "queue", args: {} });
  });

  it("refuses unknown commands and bad numbers with locale keys", () => {
    const err = (text: string) => {
      try {
        parseInput(text);
      } catch (e) {
        return e as UserError;
      }
      throw new Error(`no error for ${text}`);
    };
    expect(err("/nope a ball")).toMatchObject({ key: "playground.unknownCommand", params: { name: "nope" } });
    expect(err("/sora prompt: x seed: 2.5")).toMatchObject({ key: "errors.badInteger", params: { flag: "seed" } });
  });

  it("tells images from other bytes by their signature", () => {
    expect(sniffImage(encodePng(new Uint8Array(4 * 4 * 3), 4, 4))).toBe("png");
    expect(sniffImage(Buffer.from("GIF89a......"))).toBe("gif");
    expect(sniffImage(Buffer.from("<svg xmlns=...>"))).toBeUndefined();
  });
});
