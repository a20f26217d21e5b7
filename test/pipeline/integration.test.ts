// The pipeline end to end on a real model pack, in-thread (worker.test.ts covers the worker). Few steps per
// generation: these tests check shapes, conditioning mechanics and determinism, not picture quality.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sliceFrames, type PassPlan } from "../../engine/pipeline/conditioning.ts";
import { Generator } from "../../engine/pipeline/generate.ts";
import { choosePrecision, hasInt8Denoiser, loadPack, resolvePrecision, type ModelPack } from "../../engine/pipeline/pack.ts";
import { RequestError, type GenerateRequest } from "../../engine/pipeline/types.ts";
import { decodeFrames, encodeFrames } from "../../engine/pipeline/vae.ts";
import { renderScene, type Scene } from "../../engine/synth/index.ts";
import type { Clip, RgbFrame } from "../../engine/types.ts";
import { findTestPack } from "./test-pack.ts";

const TP = findTestPack();
const STEPS = 2;

/** A rendered synth clip: the kind of video the model was trained on. */
function sceneClip(width: number, height: number, frames: number): Clip {
  const scene: Scene = {
    background: { kind: "solid", color: "black" },
    objects: [{ color: "red", shape: "circle", size: "large", motion: "right", speed: "normal", start: [0.3, 0.5] }],
    seed: 3,
  };
  const data = renderScene(scene, { width, height, frames });
  const n = width * height * 3;
  return { width, height, fps: 8, frames: Array.from({ length: frames }, (_, i) => ({ width, height, data: data.slice(i * n, (i + 1) * n) })) };
}

const meanAbs = (a: Uint8Array, b: Uint8Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
};
const mask = (p: PassPlan) => Array.from(p.known).join("");
const sameBytes = (a: RgbFrame[], b: RgbFrame[]) => a.length === b.length && a.every((f, i) => Buffer.from(f.data).equals(Buffer.from(b[i].data)));

describe.skipIf(!TP.dir)(`pipeline on a model pack (${TP.reason})`, () => {
  let pack: ModelPack;
  let gen: Generator;
  const passes: Array<{ plan: PassPlan; latents: Float32Array }> = [];
  const run = (req: Omit<GenerateRequest, "prompt"> & { prompt?: string }) =>
    gen.generate({ prompt: "a red circle moves to the right", steps: STEPS, seed: 11, ...req });

  beforeAll(async () => {
    pack = await loadPack({ modelDir: TP.dir });
    gen = new Generator(pack, { maxFrames: 40, onPass: (plan, latents) => passes.push({ plan, latents: latents.slice() }) });
  });
  afterAll(async () => {
    await pack?.release();
  });
  beforeEach(() => {
    passes.length = 0;
  });

  it("makes clips of the right size for 1:1, 16:9 and 9:16", async () => {
    for (const [aspect, w, h] of [["1:1", 64, 64], ["16:9", 112, 64], ["9:16", 64, 112]] as const) {
      const progress: string[] = [];
      const r = await run({ aspect, onProgress: (p) => progress.push(`${p.stage}:${p.step}/${p.steps}`) });
      expect(r.clip).toMatchObject({ width: w, height: h, fps: pack.index.fps });
      expect(r.clip.frames).toHaveLength(pack.index.default_frames);
      for (const f of r.clip.frames) expect(f).toMatchObject({ width: w, height: h, data: expect.any(Uint8Array) });
      expect(r.clip.frames[0].data.length).toBe(w * h * 3);
      expect(progress).toContain(`denoise:${STEPS}/${STEPS}`);
      expect(progress.at(-1)).toMatch(/^decode:/);
      expect(r.timings.denoiseMs).toBeGreaterThan(0);
      expect(r.timings.decodeMs).toBeGreaterThan(0);
      expect(mask(passes.at(-1)!.plan)).toBe("0".repeat(17));
    }
  });

  it("previews the model's current guess every previewEvery steps, never on the last step, without changing the clip", async () => {
    const seen: { step: number; preview?: { width: number; height: number; data: Uint8Array } }[] = [];
    const withPreviews = await run({ aspect: "16:9", frames: 5, steps: 4, seed: 5, previewEvery: 2,
      onProgress: (p) => p.stage === "denoise" && seen.push({ step: p.step, preview: p.preview }) });
    expect(seen.filter((s) => s.preview).map((s) => s.step)).toEqual([2]);
    const shown = seen.find((s) => s.preview)!.preview!;
    expect(shown).toMatchObject({ width: 112, height: 64 });
    expect(shown.data.length).toBe(112 * 64 * 3);
    const plain = await run({ aspect: "16:9", frames: 5, steps: 4, seed: 5 });
    expect(sameBytes(withPreviews.clip.frames, plain.clip.frames)).toBe(true);
    await expect(run({ frames: 2, previewEvery: -1 })).rejects.toThrow(RequestError);
  });

  it("is deterministic: same seed → identical bytes, different seed → different", async () => {
    const a = await run({ seed: 123, frames: 5 });
    const b = await run({ seed: 123, frames: 5 });
    const c = await run({ seed: 124, frames: 5 });
    expect(a.seed).toBe(123);
    expect(sameBytes(a.clip.frames, b.clip.frames)).toBe(true);
    expect(sameBytes(a.clip.frames, c.clip.frames)).toBe(false);
    const d = await run({ frames: 5 });
    const e = await run({ frames: 5, seed: d.seed });
    expect(sameBytes(d.clip.frames, e.clip.frames)).toBe(true); // a random seed is reported and reproduces
  });

  it("runs the pack's int8 denoiser on the CPU where it has one, and it makes nearly the clip the fp32 one makes", async () => {
    const hasInt8 = hasInt8Denoiser(TP.dir!);
    expect(pack.precision).toBe(choosePrecision(resolvePrecision(), "cpu", hasInt8, TP.dir!));
    if (!hasInt8) return;
    const fp32 = await loadPack({ modelDir: TP.dir, precision: "fp32" });
    const int8 = pack.precision === "int8" ? pack : await loadPack({ modelDir: TP.dir, precision: "int8" });
    try {
      // 20 steps: at 2 the model has barely left the mean picture, and any two clips are close. A big object on a
      // bright ground: a night sky is mostly the same dark pixels under any seed (step 45728: 0.68 per byte between
      // seeds 5 and 6, int8 vs fp32 0.22), which leaves no room to tell int8's error from another seed's clip.
      const req = { prompt: "a big yellow ball moves left on a white background", steps: 20, frames: 9, seed: 5 };
      const flat = (r: { clip: Clip }) => Buffer.concat(r.clip.frames.map((f) => f.data));
      const a = flat(await new Generator(int8, {}).generate(req));
      const fp32Gen = new Generator(fp32, {});
      const b = flat(await fp32Gen.generate(req));
      const otherSeed = flat(await fp32Gen.generate({ ...req, seed: 6 }));
      const near = meanAbs(a, b);
      expect(near, "int8 vs fp32, mean |Δ| per byte").toBeLessThan(2);
      expect(near, "far closer than another seed's clip").toBeLessThan(meanAbs(b, otherSeed) / 4);
    } finally {
      await fp32.release();
      if (int8 !== pack) await int8.release();
    }
  });

  it("expands the prompt and reports unknown words", async () => {
    const r = await run({ prompt: "a red zorblax", frames: 2 });
    expect(r.prompt).toBe("a red zorblax");
    expect(r.unknownWords).toContain("zorblax");
    const v = await run({ prompt: "a red zorblax", frames: 2, expand: false });
    expect(v.expandedPrompt).toBe("a red zorblax");
  });

  it("rejects bad requests before running anything", async () => {
    await expect(run({ frames: 41 })).rejects.toThrow(RequestError);
    await expect(run({ prompt: "" })).rejects.toThrow(/prompt is empty/);
    await expect(run({ condition: { kind: "animate", image: { width: 10, height: 10, data: new Uint8Array(300) } } })).rejects.toThrow(/resize/);
    expect(passes).toHaveLength(0);
  });

  it("image-to-video: frame 0 is the image and stays pinned", async () => {
    const image = sceneClip(112, 64, 1).frames[0];
    const r = await run({ condition: { kind: "animate", image }, frames: 9 });
    expect(r.clip).toMatchObject({ width: 112, height: 64 });
    expect(r.clip.frames).toHaveLength(9);
    expect(r.clip.frames[0].data).toEqual(image.data);
    expect(passes).toHaveLength(1);
    expect(mask(passes[0].plan)).toBe("100000000");
    const z = await encodeFrames(pack, [image]);
    expect(passes[0].latents.subarray(0, z.frameSize)).toEqual(z.data);
  });

  it("extend forward: parent kept, its last k frames pinned, and the decoded overlap matches the parent", async () => {
    const parent = sceneClip(64, 64, 17);
    const r = await run({ condition: { kind: "extend", parent, direction: "forward" } });
    expect(r.clip.frames).toHaveLength(17 + 13);
    expect(sameBytes(r.clip.frames.slice(0, 17), parent.frames)).toBe(true);
    expect(mask(passes[0].plan)).toBe("1111" + "0".repeat(13));

    // The pass's first 4 latents are the parent's last 4, untouched by 2 denoising steps…
    const overlap = parent.frames.slice(13);
    const z = await encodeFrames(pack, overlap);
    const pinned = sliceFrames({ count: 17, frameSize: z.frameSize, data: passes[0].latents }, 0, 4);
    expect(pinned.data).toEqual(z.data);
    // …so decoding them gives the parent's frames back, up to the VAE's reconstruction error.
    const decoded = await decodeFrames(pack, pinned, 64, 64);
    const roundTrip = await decodeFrames(pack, z, 64, 64);
    decoded.forEach((f, i) => expect(meanAbs(f.data, roundTrip[i].data)).toBeLessThanOrEqual(0.5));
    if (!TP.untrained) decoded.forEach((f, i) => expect(meanAbs(f.data, overlap[i].data)).toBeLessThan(12));
  });

  it("extend backward: the parent's first k frames are pinned at the end", async () => {
    const parent = sceneClip(64, 112, 10);
    const r = await run({ condition: { kind: "extend", parent, direction: "backward", overlap: 3 }, frames: 6 });
    expect(r.clip.frames).toHaveLength(6 + 10);
    expect(sameBytes(r.clip.frames.slice(6), parent.frames)).toBe(true);
    expect(mask(passes[0].plan)).toBe("000000111");
    const z = await encodeFrames(pack, parent.frames.slice(0, 3));
    expect(passes[0].latents.subarray(6 * z.frameSize)).toEqual(z.data);
  });

  it("interpolate: between two frames, and between two clips", async () => {
    const c = sceneClip(64, 64, 12);
    const r = await run({ condition: { kind: "interpolate", a: c.frames[0], b: c.frames[11] } });
    expect(r.clip.frames).toHaveLength(17);
    expect(r.clip.frames[0].data).toEqual(c.frames[0].data);
    expect(r.clip.frames[16].data).toEqual(c.frames[11].data);
    expect(mask(passes[0].plan)).toBe("1" + "0".repeat(15) + "1");

    passes.length = 0;
    const a: Clip = { ...c, frames: c.frames.slice(0, 6) };
    const b: Clip = { ...c, frames: c.frames.slice(6) };
    const r2 = await run({ condition: { kind: "interpolate", a, b }, frames: 5 });
    expect(r2.clip.frames).toHaveLength(6 + 5 + 6);
    expect(mask(passes[0].plan)).toBe("1111" + "00000" + "1111");
  });

  it("loop: a clip, then a bridge pinned to the clip's end and start", async () => {
    const r = await run({ condition: { kind: "loop" } });
    expect(r.clip.frames).toHaveLength(17);
    expect(passes).toHaveLength(2);
    const [clip, bridge] = passes;
    expect(mask(clip.plan)).toBe("0".repeat(9));
    expect(mask(bridge.plan)).toBe("1111" + "00000000" + "1111");
    const n = clip.plan.frameSize;
    expect(bridge.latents.subarray(0, 4 * n)).toEqual(clip.latents.subarray(5 * n, 9 * n)); // clip's last 4
    expect(bridge.latents.subarray(12 * n)).toEqual(clip.latents.subarray(0, 4 * n)); // clip's first 4
  });

  it("loop of an object that only shrinks: the bridge is denoised backwards, one clip frame at each end", async () => {
    const r = await run({ prompt: "an orange box shrinks", condition: { kind: "loop" } });
    expect(r.clip.frames).toHaveLength(17);
    const [clip, bridge] = passes;
    expect(mask(bridge.plan)).toBe("1" + "00000000" + "1");
    const n = clip.plan.frameSize;
    // Time reversed: the pass starts at the clip's first frame and ends at its last.
    expect(bridge.latents.subarray(0, n)).toEqual(clip.latents.subarray(0, n));
    expect(bridge.latents.subarray(9 * n)).toEqual(clip.latents.subarray(8 * n, 9 * n));
  });

  it("remix: strength 1 is a fresh sample; a low strength stays near the parent", async () => {
    const parent = sceneClip(64, 64, 9);
    const fresh = await run({ frames: 9 });
    const full = await run({ condition: { kind: "remix", parent, strength: 1 } });
    expect(sameBytes(full.clip.frames, fresh.clip.frames)).toBe(true);

    passes.length = 0;
    const light = await run({ condition: { kind: "remix", parent, strength: 0.05 } });
    expect(passes[0].plan.startSigma).toBe(0.05);
    expect(mask(passes[0].plan)).toBe("000000000");
    const roundTrip = await decodeFrames(pack, await encodeFrames(pack, parent.frames), 64, 64);
    const near = light.clip.frames.reduce((s, f, i) => s + meanAbs(f.data, roundTrip[i].data), 0);
    const far = fresh.clip.frames.reduce((s, f, i) => s + meanAbs(f.data, roundTrip[i].data), 0);
    expect(near).toBeLessThan(far);
  });

  it("makes clips longer than one pass in chunks, each extending the last", async () => {
    const r = await run({ frames: 30, aspect: "16:9" });
    expect(r.clip.frames).toHaveLength(30);
    expect(passes.map((p) => mask(p.plan))).toEqual(["0".repeat(17), "1111" + "0".repeat(13)]);
    const n = passes[0].plan.frameSize;
    expect(passes[1].latents.subarray(0, 4 * n)).toEqual(passes[0].latents.subarray(13 * n, 17 * n));
  });

  it("uses one transformer row when guidance makes the other branch irrelevant", async () => {
    const one = await run({ frames: 3, guidance: 1 });
    const two = await run({ frames: 3, guidance: 1, negativePrompt: "a blue square" });
    // w = 1: v = v_c exactly, so the negative prompt cannot matter
    expect(sameBytes(one.clip.frames, two.clip.frames)).toBe(true);
    const guided = await run({ frames: 3, guidance: 6 });
    expect(sameBytes(one.clip.frames, guided.clip.frames)).toBe(false);
  });
});

if (!TP.dir) {
  describe("pipeline on a model pack", () => {
    it.skip(`skipped: ${TP.reason}`, () => {});
  });
}
