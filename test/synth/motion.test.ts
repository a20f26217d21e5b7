import { describe, expect, it } from "vitest";
import {
  Rng, TRAVEL, heldoutScene, objectTrack, trainingScene, travelDirection, type Scene, type SceneObject,
} from "../../engine/synth/index.ts";

function single(o: Partial<SceneObject>): Scene {
  return {
    background: { kind: "solid", color: "gray" },
    objects: [{ color: "red", shape: "star", size: "medium", motion: "still", speed: "normal", start: [0.5, 0.5], ...o }],
    seed: 1,
  };
}

describe("objectTrack", () => {
  it("starts held-out translations on the side opposite their direction and travels the speed's distance", () => {
    const rng = new Rng(11);
    let seen = 0;
    for (let k = 0; k < 600; k++) {
      const scene = heldoutScene(rng);
      scene.objects.forEach((o, i) => {
        const t = objectTrack(scene, i, 17);
        const dx = t[16].x - t[0].x, dy = t[16].y - t[0].y;
        if (o.motion === "left") { expect(t[0].x).toBeGreaterThan(0.5); expect(dx).toBeCloseTo(-TRAVEL[o.speed], 6); seen++; }
        if (o.motion === "right") { expect(t[0].x).toBeLessThan(0.5); expect(dx).toBeCloseTo(TRAVEL[o.speed], 6); seen++; }
        if (o.motion === "up") { expect(t[0].y).toBeGreaterThan(0.5); expect(dy).toBeCloseTo(-TRAVEL[o.speed], 6); seen++; }
        if (o.motion === "down") { expect(t[0].y).toBeLessThan(0.5); expect(dy).toBeCloseTo(TRAVEL[o.speed], 6); seen++; }
        if (o.motion === "diagonal") {
          expect(Math.sign(dx)).toBe(o.diagonal!.endsWith("left") ? -1 : 1);
          expect(Math.sign(dy)).toBe(o.diagonal!.startsWith("up") ? -1 : 1);
          expect(Math.sign(t[0].x - 0.5)).toBe(-Math.sign(dx));
        }
        expect(t[0].x).toBeCloseTo(o.start[0], 9);
        expect(t[0].y).toBeCloseTo(o.start[1], 9);
      });
    }
    expect(seen).toBeGreaterThan(100);
  });

  it("slides some training paths off centre so the object enters or leaves the frame, keeping direction and travel", () => {
    const rng = new Rng(12);
    let translating = 0, leaves = 0, enters = 0;
    for (let k = 0; k < 1500; k++) {
      const scene = trainingScene(rng);
      scene.objects.forEach((o, i) => {
        const dir = travelDirection(o);
        if (!dir || o.motion === "diagonal") return;
        translating++;
        const t = objectTrack(scene, i, 17);
        const axis = dir[0] !== 0 ? "x" : "y";
        const sign = dir[0] + dir[1];
        // Distance along the direction travelled, measured from the start side of the frame.
        const along = (p: { x: number; y: number }) => (sign > 0 ? p[axis] : 1 - p[axis]);
        expect(along(t[16]) - along(t[0])).toBeCloseTo(TRAVEL[o.speed], 6);
        // Slid paths end at 0.95–1.15 (or start at −0.15–0.05), give or take the ±0.05 start jitter.
        if (along(t[16]) > 0.9 + 1e-9) { leaves++; expect(along(t[16])).toBeLessThanOrEqual(1.2 + 1e-9); }
        if (along(t[0]) < 0.1 - 1e-9) { enters++; expect(along(t[0])).toBeGreaterThanOrEqual(-0.2 - 1e-9); }
      });
    }
    // 30 % slid, half each way; a centred path (even with its jitter) ends by 0.9 and starts from 0.1 at the earliest.
    expect(leaves / translating).toBeGreaterThan(0.1);
    expect(enters / translating).toBeGreaterThan(0.1);
    expect((leaves + enters) / translating).toBeLessThan(0.4);
  });

  it("bounces at least twice, grows to ×2, shrinks to ×0.45, spins a full turn, orbits the centre", () => {
    const bounce = objectTrack(single({ motion: "bounce", start: [0.5, 0.75] }), 0, 17);
    const onFloor = bounce.filter((p) => Math.abs(p.y - 0.75) < 1e-9).length;
    expect(onFloor).toBeGreaterThanOrEqual(3); // start, between hops, end
    expect(Math.min(...bounce.map((p) => p.y))).toBeLessThan(0.5);
    expect(objectTrack(single({ motion: "grow" }), 0, 17)[16].scale).toBeCloseTo(2, 6);
    expect(objectTrack(single({ motion: "shrink" }), 0, 17)[16].scale).toBeCloseTo(0.45, 6);
    expect(objectTrack(single({ motion: "spin", speed: "slow" }), 0, 17)[16].angle).toBeGreaterThanOrEqual(2 * Math.PI - 1e-9);
    const orbit = objectTrack(single({ motion: "orbit", start: [0.75, 0.5] }), 0, 17);
    for (const p of orbit) expect(Math.hypot(p.x - 0.5, p.y - 0.5)).toBeCloseTo(0.25, 6);
    const still = objectTrack(single({ motion: "still", start: [0.3, 0.6] }), 0, 17);
    for (const p of still) expect([p.x, p.y, p.scale]).toEqual([0.3, 0.6, 1]);
  });
});
