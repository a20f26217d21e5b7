import { describe, expect, it } from "vitest";
import {
  COLOR_WORDS, SHAPE_NOUNS, SIZE_WORDS,
} from "../../engine/synth/lexicon.ts";
import {
  MAX_TOKENS, Rng, captionWords, captionsFor, heldoutCaptions, heldoutSet, trainingScene, type Scene,
} from "../../engine/synth/index.ts";

function mentions(caption: string, words: readonly string[]): boolean {
  const text = ` ${captionWords(caption).join(" ")} `;
  return words.some((w) => text.includes(` ${w} `) || text.includes(` ${w}s `) || text.includes(` ${w}es `));
}

describe("captionsFor", () => {
  it("gives at least 6 distinct phrasings at three detail levels, each naming every object's colour and shape", () => {
    const rng = new Rng(21);
    for (let k = 0; k < 300; k++) {
      const scene = trainingScene(rng);
      const captions = captionsFor(scene, rng);
      expect(new Set(captions).size).toBe(captions.length);
      expect(captions.length).toBeGreaterThanOrEqual(6);
      const lengths = captions.map((c) => captionWords(c).length);
      // Three detail levels: a long caption runs to at least twice a short one (crowded scenes may lack long ones).
      if (scene.objects.length === 1) {
        expect(Math.min(...lengths)).toBeLessThanOrEqual(10);
        expect(Math.max(...lengths)).toBeGreaterThanOrEqual(15);
      }
      for (const c of captions) {
        expect(captionWords(c).length).toBeLessThan(MAX_TOKENS);
        for (const o of scene.objects) {
          expect(mentions(c, COLOR_WORDS[o.color]), `${c} / ${o.color}`).toBe(true);
          expect(mentions(c, SHAPE_NOUNS[o.shape]), `${c} / ${o.shape}`).toBe(true);
        }
      }
    }
  });

  it("writes the example captions' styles", () => {
    const scene: Scene = {
      background: { kind: "solid", color: "black" },
      objects: [{ color: "red", shape: "circle", size: "small", motion: "left", speed: "slow", start: [0.65, 0.5] }],
      seed: 1,
    };
    const all = new Set<string>();
    const rng = new Rng(1);
    for (let k = 0; k < 60; k++) for (const c of captionsFor(scene, rng)) all.add(c);
    const joined = [...all].join("\n");
    expect(joined).toMatch(/^a red (ball|circle|disc) moving left$/m);
    expect(joined).toMatch(/from the right side of the frame to the left/);
    expect(joined).toMatch(/black background/);
    expect([...all].some((c) => mentions(c, SIZE_WORDS.small))).toBe(true);
  });

  it("uses in held-out phrasings only words that training captions also use", () => {
    const vocab = new Set<string>();
    const rng = new Rng(2);
    for (let k = 0; k < 3000; k++) for (const c of captionsFor(trainingScene(rng), rng)) captionWords(c).forEach((w) => vocab.add(w));
    const missing = new Set<string>();
    for (const item of heldoutSet(300, 1)) {
      for (const c of heldoutCaptions(item.scene, rng).concat(item.captions)) {
        for (const w of captionWords(c)) if (!vocab.has(w)) missing.add(w);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
