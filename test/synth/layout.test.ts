import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CLIP_FRAMES, DISC_CHANNELS, LAYOUT_CHANNELS, TOKEN_PX, buildLayout, layoutTracks, objectAttrs, sceneLayout,
} from "../../engine/synth/layout.ts";
import { layoutFixture } from "../../engine/synth/layout-fixture.ts";
import { SIZE_DIAMETER, objectTrack, type Scene, type SceneObject } from "../../engine/synth/index.ts";

const C = LAYOUT_CHANNELS.length;
const ch = (name: string) => LAYOUT_CHANNELS.indexOf(name);

function single(o: Partial<SceneObject>): Scene {
  return {
    background: { kind: "solid", color: "gray" },
    objects: [{ color: "red", shape: "star", size: "medium", motion: "right", speed: "normal", start: [0.25, 0.5], ...o }],
    seed: 1,
  };
}

describe("layout", () => {
  it("follows the renderer's tracks, and continues them past the clip's end", () => {
    const scene = single({});
    const track = objectTrack(scene, 0, CLIP_FRAMES);
    const points = layoutTracks(scene, CLIP_FRAMES);
    points.forEach((ps, f) => {
      expect(ps[0].x).toBeCloseTo(track[f].x, 12);
      expect(ps[0].r).toBeCloseTo(SIZE_DIAMETER.medium / 2, 12);
    });
    const later = layoutTracks(scene, 4, 16);
    expect(later[0][0].x).toBeCloseTo(track[16].x, 12);
    expect(later[3][0].x - later[0][0].x).toBeCloseTo(3 * (track[16].x - track[15].x), 9);
  });

  it("puts the object's coverage where it is, with its attributes", () => {
    const scene = single({ color: "blue", shape: "heart", size: "large", motion: "still", start: [0.3, 0.7] });
    const lay = sceneLayout(scene, 64, 64, 1);
    const cov = (s: number) => lay[s * C + ch("occupied")];
    const s = 2 * 4 + 1; // 0.3·64 = 19 px → column 1, 0.7·64 = 45 px → row 2
    expect(cov(s)).toBeGreaterThan(0.5);
    expect(cov(0)).toBe(0);
    for (let t = 0; t < 16; t++) {
      expect(lay[t * C + ch("layout")]).toBe(1);
      expect(lay[t * C + ch("shape:heart")]).toBeCloseTo(cov(t), 6);
      expect(lay[t * C + ch("color:blue")]).toBeCloseTo(cov(t), 6);
      expect(lay[t * C + ch("size:large")]).toBeCloseTo(cov(t), 6);
      expect(lay[t * C + ch("shape:star")]).toBe(0);
    }
    let area = 0;
    for (let t = 0; t < 16; t++) area += cov(t);
    const r = (SIZE_DIAMETER.large / 2) * 64;
    expect(area).toBeCloseTo((Math.PI * r * r) / (TOKEN_PX * TOKEN_PX), 1);
  });

  it("differs between two scenes only in the shape and silhouette channels when only the shape differs", () => {
    const a = sceneLayout(single({ shape: "star" }), 112, 64, 5);
    const b = sceneLayout(single({ shape: "square" }), 112, 64, 5);
    const differs = (prefix: string) => a.some((v, i) => LAYOUT_CHANNELS[i % C].startsWith(prefix) && v !== b[i]);
    for (let i = 0; i < a.length; i++) {
      if (!/^(shape|silhouette):/.test(LAYOUT_CHANNELS[i % C])) expect(a[i]).toBe(b[i]);
    }
    expect(differs("shape:")).toBe(true);
    expect(differs("silhouette:")).toBe(true);
  });

  it("builds the disc-only layout of earlier packs unchanged", () => {
    const scene = single({ shape: "heart" });
    const full = sceneLayout(scene, 64, 64, 3);
    const disc = sceneLayout(scene, 64, 64, 3, 0, DISC_CHANNELS);
    const D = DISC_CHANNELS.length;
    expect(disc.length).toBe((full.length / C) * D);
    for (let i = 0; i < disc.length; i++) expect(disc[i]).toBe(full[Math.floor(i / D) * C + (i % D)]);
  });

  it("refuses a frame that is not whole tokens", () => {
    expect(() => buildLayout([[]], [], 60, 64)).toThrow(/16-px tokens/);
    expect(objectAttrs(single({}))).toEqual([[0, 3, 1]]);
  });

  it("matches the fixture Python's layout.py is tested against (regenerate it with layout-cli.ts --fixture)", () => {
    const path = join(import.meta.dirname, "..", "train", "fixtures", "layout.json");
    const saved = JSON.parse(readFileSync(path, "utf8"));
    expect(JSON.parse(JSON.stringify(layoutFixture(saved.items.length)))).toEqual(saved);
  });
});
