import { describe, expect, it } from "vitest";
import { parseGenerateArgs, UsageError } from "../../engine/cli/args.ts";

describe("sora generate flags", () => {
  it("reads a full request", () => {
    const args = parseGenerateArgs([
      "a red ball bouncing at sunset", "-o", "x.mp4", "--seed", "7", "--steps", "12", "--guidance", "3.5",
      "--neg", "blurry", "--ar", "16:9", "--seconds", "4", "--json",
    ]);
    expect(args).toMatchObject({
      prompt: "a red ball bouncing at sunset", output: "x.mp4", seed: 7, steps: 12, guidance: 3.5,
      negativePrompt: "blurry", aspect: "16:9", seconds: 4, json: true, raw: false,
    });
    expect(args.condition).toBeUndefined();
  });

  it("defaults to clip.mp4 and leaves the aspect to the media", () => {
    const args = parseGenerateArgs(["a star"]);
    expect(args).toMatchObject({ output: "clip.mp4", preview: false });
    expect(args.aspect).toBeUndefined();
  });

  it("reads --raw, and --no-expand as its older spelling", () => {
    expect(parseGenerateArgs(["a star", "--raw"]).raw).toBe(true);
    expect(parseGenerateArgs(["a star", "--no-expand"]).raw).toBe(true);
    expect(parseGenerateArgs(["a star"]).raw).toBe(false);
  });

  it("reads --layout on / off (on by default)", () => {
    expect(parseGenerateArgs(["a star"]).layout).toBe(true);
    expect(parseGenerateArgs(["a star", "--layout", "off"]).layout).toBe(false);
    expect(parseGenerateArgs(["a star", "--layout", "on"]).layout).toBe(true);
    expect(() => parseGenerateArgs(["a star", "--layout", "no"])).toThrow(/--layout must be "on" or "off"/);
  });

  it("reads each conditioning mode", () => {
    expect(parseGenerateArgs(["p", "--image", "in.png"]).condition).toEqual({ kind: "animate", file: "in.png" });
    expect(parseGenerateArgs(["p", "--extend", "a.mp4", "--backward"]).condition)
      .toEqual({ kind: "extend", file: "a.mp4", direction: "backward" });
    expect(parseGenerateArgs(["p", "--interpolate", "a.png", "b.png", "--seed", "1"]).condition)
      .toEqual({ kind: "interpolate", a: "a.png", b: "b.png" });
    expect(parseGenerateArgs(["p", "--loop"]).condition).toEqual({ kind: "loop" });
    expect(parseGenerateArgs(["p", "--remix", "a.mp4", "--strength", "0.3"]).condition)
      .toEqual({ kind: "remix", file: "a.mp4", strength: 0.3 });
  });

  it.each([
    [[], /prompt is required/],
    [["   "], /empty/],
    [["p", "--bogus"], /bogus/],
    [["p", "--ar", "4:3"], /--ar must be one of/],
    [["p", "--steps", "0"], /--steps must be an integer from 1 to 100/],
    [["p", "--steps", "2.5"], /integer/],
    [["p", "--seconds", "0"], /--seconds/],
    [["p", "--seconds", "61"], /--seconds/],
    [["p", "--guidance", "abc"], /--guidance/],
    [["p", "--strength", "0.5"], /only goes with --remix/],
    [["p", "--backward"], /only goes with --extend/],
    [["p", "--interpolate", "a.png"], /two files/],
    [["p", "--loop", "--image", "a.png"], /choose one/],
    [["red", "ball"], /one quoted prompt/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseGenerateArgs(argv as string[])).toThrowError(UsageError);
    expect(() => parseGenerateArgs(argv as string[])).toThrowError(message as RegExp);
  });
});
