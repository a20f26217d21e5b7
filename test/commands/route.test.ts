import { describe, expect, it } from "vitest";
import { routeText } from "../../commands/route.ts";

describe("text routing", () => {
  it("runs status words and cancel in any shipped language", () => {
    expect(routeText(" queue ")).toEqual({ command: "queue", args: {} });
    expect(routeText("Warteschlange")).toEqual({ command: "queue", args: {} });
    expect(routeText("情報")).toEqual({ command: "info", args: {} });
    expect(routeText("cancel slack-123")).toEqual({ command: "cancel", args: { job: "slack-123" } });
    expect(routeText("annuler slack-123")).toEqual({ command: "cancel", args: { job: "slack-123" } });
  });

  it("treats everything else as a prompt", () => {
    expect(routeText("info graphics of a red ball --seed 3")).toEqual({ command: "sora", args: { prompt: "info graphics of a red ball --seed 3" } });
    expect(routeText("cancel")).toEqual({ command: "sora", args: { prompt: "cancel" } });
    expect(routeText("a queue of cars")).toEqual({ command: "sora", args: { prompt: "a queue of cars" } });
  });

  it("reads `defaults [reset] [name: value …]` as /defaults, and other words after it as a prompt", () => {
    expect(routeText("defaults")).toEqual({ command: "defaults", args: {} });
    expect(routeText("defaults reset")).toEqual({ command: "defaults", args: { reset: true } });
    expect(routeText("defaults steps: 12 aspect: 16:9 negative: a blurry mess")).toEqual({ command: "defaults", args: { steps: 12, aspect: "16:9", negative: "a blurry mess" } });
    expect(routeText("defaults reset steps: 4")).toEqual({ command: "defaults", args: { steps: 4, reset: true } });
    expect(routeText("defaults are boring")).toEqual({ command: "sora", args: { prompt: "defaults are boring" } });
    expect(() => routeText("defaults steps: ../etc")).toThrow(/badInteger|steps/);
  });
});
