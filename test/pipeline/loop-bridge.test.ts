// Which loops get a bridge denoised backwards (engine/pipeline/loop-bridge.ts): only those whose objects turn their
// size round and nothing else moves; everything else keeps the forward bridge with the plan's context.
import { describe, expect, it } from "vitest";
import { bridgeOrder } from "../../engine/pipeline/loop-bridge.ts";
import { parsePrompt, completeScene } from "../../engine/synth/index.ts";

const sceneOf = (prompt: string) => {
  const parsed = parsePrompt(prompt);
  return completeScene({ objects: parsed.objects, background: parsed.background });
};

describe("a loop's bridge order", () => {
  it("backwards with one known frame when the objects only grow, shrink or sit still", () => {
    for (const prompt of ["a red box shrinks", "a blue star grows quickly", "a red box shrinks while a green circle sits still"]) {
      expect(bridgeOrder(sceneOf(prompt), 4), prompt).toEqual({ backwards: true, known: 1 });
    }
  });

  it("forwards with the plan's context otherwise (moving objects, nothing turning, no scene)", () => {
    for (const prompt of ["a red ball moves to the left", "a red box shrinks while a blue star moves up", "a cyan star sits still", "a pink heart spins"]) {
      expect(bridgeOrder(sceneOf(prompt), 4), prompt).toEqual({ backwards: false, known: 4 });
    }
    expect(bridgeOrder(undefined, 3)).toEqual({ backwards: false, known: 3 });
  });
});
