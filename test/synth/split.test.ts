import { describe, expect, it } from "vitest";
import {
  COLORS, HELDOUT_COMBOS, HELDOUT_TEMPLATES, MOTIONS, Rng, SHAPES, TRAINING_TEMPLATES, captionWords, heldoutSet,
  isHeldOutCombo, sceneHasHeldOutCombo, trainingCaptions, trainingScene,
} from "../../engine/synth/index.ts";

describe("train / held-out split", () => {
  it("holds out about 15% of combinations while every colour, shape and motion stays in training", () => {
    const drawable = COLORS.length * SHAPES.length * MOTIONS.length - 2 * COLORS.length;
    expect(HELDOUT_COMBOS.length / drawable).toBeGreaterThan(0.1);
    expect(HELDOUT_COMBOS.length / drawable).toBeLessThan(0.2);
    expect(HELDOUT_TEMPLATES.length).toBeGreaterThan(0);
    expect(TRAINING_TEMPLATES.every((t) => !t.heldOut)).toBe(true);
  });

  it("never draws a held-out combination in 2,000 training scenes", () => {
    const rng = new Rng(1);
    const seen = { color: new Set<string>(), shape: new Set<string>(), motion: new Set<string>() };
    for (let k = 0; k < 2000; k++) {
      const scene = trainingScene(rng);
      expect(sceneHasHeldOutCombo(scene)).toBe(false);
      for (const o of scene.objects) { seen.color.add(o.color); seen.shape.add(o.shape); seen.motion.add(o.motion); }
    }
    expect(seen.color.size).toBe(COLORS.length);
    expect(seen.shape.size).toBe(SHAPES.length);
    expect(seen.motion.size).toBe(MOTIONS.length);
  });

  it("never uses a held-out template for training captions", () => {
    // Held-out templates are the only ones that open with the background; training captions never do.
    const rng = new Rng(4);
    for (let k = 0; k < 300; k++) {
      const scene = trainingScene(rng);
      for (const c of trainingCaptions(scene, rng)) expect(c).not.toMatch(/^(on|at|in|against|over|under|across)\b.*,/i);
    }
  });

  it("heldoutSet is deterministic, mostly single objects, all held-out combinations, held-out phrasings", () => {
    const a = heldoutSet(200, 1);
    expect(a).toEqual(heldoutSet(200, 1));
    expect(a).not.toEqual(heldoutSet(200, 2));
    let singles = 0;
    for (const item of a) {
      expect(item.scene.objects.length).toBeGreaterThanOrEqual(1);
      expect(item.scene.objects.length).toBeLessThanOrEqual(2);
      if (item.scene.objects.length === 1) singles++;
      for (const o of item.scene.objects) expect(isHeldOutCombo(o)).toBe(true);
      expect(item.caption).toBe(item.captions[0]);
      expect(captionWords(item.caption).length).toBeGreaterThan(2);
      // Held-out templates put the background in front (with a comma) or use a relative clause.
      expect(item.caption).toMatch(/,| that /);
    }
    expect(singles / a.length).toBeGreaterThan(0.6);
  });
});
