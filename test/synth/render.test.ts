import { describe, expect, it } from "vitest";
import {
  OBJECT_RGB, Rng, SIZE_DIAMETER, colorFitsBackground, objectTrack, paintBackground, renderScene, trainingScene,
  type Scene,
} from "../../engine/synth/index.ts";

const SIZE = { width: 64, height: 64, frames: 17 };

function redBallMovingLeft(): Scene {
  return {
    background: { kind: "solid", color: "black" },
    objects: [{ color: "red", shape: "circle", size: "medium", motion: "left", speed: "normal", start: [0.75, 0.5] }],
    seed: 7,
  };
}

/** Centroid x of clearly red pixels in one frame, in pixels. */
function redCentroidX(clip: Uint8Array, frame: number, width: number, height: number): number {
  let sum = 0, n = 0;
  const base = frame * width * height * 3;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = base + (y * width + x) * 3;
    if (clip[i] > 128 && clip[i + 1] < 90 && clip[i + 2] < 90) { sum += x + 0.5; n++; }
  }
  return sum / n;
}

describe("renderScene", () => {
  it("returns frames × height × width × 3 bytes for every aspect", () => {
    const scene = trainingScene(new Rng(1));
    for (const [width, height] of [[64, 64], [112, 64], [64, 112]]) {
      expect(renderScene(scene, { width, height, frames: 17 }).length).toBe(17 * height * width * 3);
    }
  });

  it("is deterministic: the same scene gives identical bytes", () => {
    const rng = new Rng(42);
    for (let k = 0; k < 5; k++) {
      const scene = trainingScene(rng);
      const a = renderScene(scene, SIZE);
      const b = renderScene(structuredClone(scene), SIZE);
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    }
  });

  it("moves a leftward object left, starting right of centre, along its track", () => {
    const scene = redBallMovingLeft();
    const clip = renderScene(scene, SIZE);
    const track = objectTrack(scene, 0, SIZE.frames);
    const xs = Array.from({ length: SIZE.frames }, (_, f) => redCentroidX(clip, f, SIZE.width, SIZE.height));
    expect(xs[0]).toBeGreaterThan(SIZE.width / 2);
    for (let f = 1; f < xs.length; f++) expect(xs[f]).toBeLessThan(xs[f - 1]);
    xs.forEach((x, f) => expect(Math.abs(x - track[f].x * SIZE.width)).toBeLessThan(0.75));
    expect(track[0].x - track[16].x).toBeCloseTo(0.5, 5);
  });

  it("draws an object about its nominal diameter, with antialiased edges", () => {
    const scene = redBallMovingLeft();
    scene.objects[0].motion = "still";
    const clip = renderScene(scene, { ...SIZE, frames: 1 });
    let coverage = 0, partial = 0;
    for (let i = 0; i < 64 * 64 * 3; i += 3) {
      const c = (clip[i] - 10) / (OBJECT_RGB.red[0] - 10);
      if (c > 0.02) coverage += Math.min(1, c);
      if (c > 0.05 && c < 0.95) partial++;
    }
    const radius = (SIZE_DIAMETER.medium * 64) / 2;
    expect(coverage).toBeGreaterThan(Math.PI * radius * radius * 0.95);
    expect(coverage).toBeLessThan(Math.PI * radius * radius * 1.05);
    expect(partial).toBeGreaterThan(10);
  });

  it("never draws an object in a colour close to the background it is on", () => {
    const rng = new Rng(3);
    for (let k = 0; k < 400; k++) {
      const scene = trainingScene(rng);
      const bg = paintBackground(scene.background, 64, 64, scene.seed);
      for (const o of scene.objects) {
        expect(colorFitsBackground(o.color, scene.background)).toBe(true);
        const x = Math.min(63, Math.max(0, Math.floor(o.start[0] * 64)));
        const y = Math.min(63, Math.max(0, Math.floor(o.start[1] * 64)));
        const i = (y * 64 + x) * 3;
        const [r, g, b] = OBJECT_RGB[o.color];
        const distance = Math.hypot(r - bg[i], g - bg[i + 1], b - bg[i + 2]);
        expect(distance, `${o.color} on ${JSON.stringify(scene.background)}`).toBeGreaterThan(70);
      }
    }
  });

  it("keeps several objects apart and of different colours", () => {
    const rng = new Rng(9);
    for (let k = 0; k < 300; k++) {
      const scene = trainingScene(rng);
      const colors = scene.objects.map((o) => o.color);
      expect(new Set(colors).size).toBe(colors.length);
      for (let a = 0; a < scene.objects.length; a++) for (let b = a + 1; b < scene.objects.length; b++) {
        const ta = objectTrack(scene, a, 17), tb = objectTrack(scene, b, 17);
        for (let f = 0; f < 17; f++) {
          const gap = Math.hypot(ta[f].x - tb[f].x, ta[f].y - tb[f].y);
          const reach = (SIZE_DIAMETER[scene.objects[a].size] * ta[f].scale + SIZE_DIAMETER[scene.objects[b].size] * tb[f].scale) / 2;
          expect(gap).toBeGreaterThan(reach);
        }
      }
    }
  });
});
