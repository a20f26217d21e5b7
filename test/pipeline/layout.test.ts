// The layout input (CONTRACTS §8) as the pipeline feeds it: which passes get it, which frames of the objects'
// timeline each pass sees, the unconditional row's zeros, and packs without the input. The ONNX sessions are stubs
// that record what they are given (no model needed), the tokenizer and manifest are the shipped pack's.
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { Generator } from "../../engine/pipeline/generate.ts";
import { closingLayout, extendedTracks, layoutBatch, layoutFrames, layoutMismatch, type LayoutSpec } from "../../engine/pipeline/layout.ts";
import { readManifest } from "../../engine/pipeline/manifest.ts";
import { DEFAULT_MODEL_DIR, type ModelPack } from "../../engine/pipeline/pack.ts";
import { loadTokenizer } from "../../engine/pipeline/tokenizer.ts";
import { expandPrompt } from "../../engine/pipeline/expand.ts";
import { LAYOUT_CHANNELS, layoutTracks, sceneLayout } from "../../engine/synth/index.ts";

const SPEC: LayoutSpec = { input: "layout", channels: [...LAYOUT_CHANNELS], token_px: 16, samples: 8, clip_frames: 17, max_objects: 3 };
const C = LAYOUT_CHANNELS.length;

type Feed = Record<string, ort.Tensor>;

/** A pack whose sessions return zeros of the right shapes and keep every transformer feed. */
function stubPack(layout: LayoutSpec | null): { pack: ModelPack; feeds: Feed[] } {
  const { index, scheduler } = readManifest(DEFAULT_MODEL_DIR);
  const feeds: Feed[] = [];
  const session = (run: (f: Feed) => Record<string, ort.Tensor>) => ({ run: async (f: Feed) => run(f) }) as unknown as ort.InferenceSession;
  const zeros = (dims: number[]) => new ort.Tensor("float32", new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  const pack = {
    dir: "stub", index: { ...index, layout }, scheduler, tokenizer: loadTokenizer(join(DEFAULT_MODEL_DIR, "tokenizer")),
    device: "cpu", threads: 1, precision: "fp32",
    sessions: {
      textEncoder: session((f) => {
        const [b, l] = f.input_ids.dims as number[];
        return { hidden_states: zeros([b, l, index.text_hidden_size]), pooled: zeros([b, index.text_hidden_size]) };
      }),
      transformer: session((f) => {
        feeds.push(f);
        return { velocity: zeros(f.tokens.dims as number[]) };
      }),
      vaeEncoder: session((f) => {
        const [n, , h, w] = f.frames.dims as number[];
        return { latents: zeros([n, index.latent_channels, h / 8, w / 8]) };
      }),
      vaeDecoder: session((f) => {
        const [n, , h, w] = f.latents.dims as number[];
        return { frames: zeros([n, 3, h * 8, w * 8]) };
      }),
    },
    release: async () => undefined,
  } as unknown as ModelPack;
  return { pack, feeds };
}

/** The conditional row of a recorded layout feed, [F, S, C] flattened. */
const condRow = (feed: Feed) => {
  const [, F, S] = feed.layout.dims as number[];
  return (feed.layout.data as Float32Array).slice(0, F * S * C);
};
const uncondRow = (feed: Feed) => {
  const [, F, S] = feed.layout.dims as number[];
  return (feed.layout.data as Float32Array).slice(F * S * C);
};

describe("layout input in the pipeline", () => {
  const prompt = "two stars moving right";

  it("places the rewritten prompt's objects on every frame, and the unconditional row gets none", async () => {
    const { pack, feeds } = stubPack(SPEC);
    const res = await new Generator(pack).generate({ prompt, seed: 3, steps: 2, aspect: "16:9" });
    const { scene } = await expandPrompt(prompt, pack.tokenizer);
    expect(scene!.objects.map((o) => `${o.shape} ${o.motion}`)).toEqual(["star right", "star right"]);
    expect(res.layout!.objects).toHaveLength(2);
    expect(feeds).toHaveLength(2); // one pass, two steps
    for (const feed of feeds) {
      expect(feed.layout.dims).toEqual([2, 17, 28, C]);
      expect(Array.from(condRow(feed))).toEqual(Array.from(sceneLayout(scene!, 112, 64, 17)));
      expect(uncondRow(feed).every((v) => v === 0)).toBe(true);
    }
  });

  it("continues the tracks in each chunk of a long clip", async () => {
    const { pack, feeds } = stubPack(SPEC);
    const gen = new Generator(pack, { maxFrames: 40 });
    await gen.generate({ prompt, seed: 3, steps: 1, frames: 30 });
    const { scene } = await expandPrompt(prompt, pack.tokenizer);
    expect(feeds).toHaveLength(2);
    // Chunk 2 sees the last 4 frames of chunk 1 (frames 13–16) and makes 13 more: timeline frames 13–29.
    const F2 = feeds[1].layout.dims[1] as number;
    expect(F2).toBe(17);
    expect(Array.from(condRow(feeds[1]))).toEqual(Array.from(sceneLayout(scene!, 64, 64, 17, 13)));
  });

  it("closes the tracks in a loop's bridge", async () => {
    const { pack, feeds } = stubPack(SPEC);
    await new Generator(pack).generate({ prompt: "a red ball moves to the left", seed: 1, steps: 1, frames: 17, condition: { kind: "loop" } });
    const { scene } = await expandPrompt("a red ball moves to the left", pack.tokenizer);
    const layout = { scene: scene!, channels: SPEC.channels, width: 64, height: 64 };
    const [clipPass, bridgePass] = feeds;
    const clipFrames = clipPass.layout.dims[1] as number;
    expect(Array.from(condRow(clipPass))).toEqual(Array.from(layoutFrames(layout, 0, clipFrames)));
    const bridgeFrames = bridgePass.layout.dims[1] as number;
    const context = 4;
    expect(Array.from(condRow(bridgePass))).toEqual(Array.from(closingLayout(layout, clipFrames, context, bridgeFrames - 2 * context)));
    // The bridge's object goes back: its centre moves right (the clip went left) between the known ends.
    const offsetX = (lay: Float32Array, f: number) => {
      let m = 0, w = 0;
      for (let s = 0; s < 16; s++) {
        const cov = lay[(f * 16 + s) * C + 1];
        m += cov * ((s % 4) + 0.5) + lay[(f * 16 + s) * C + 2];
        w += cov;
      }
      return m / w;
    };
    const bridge = condRow(bridgePass);
    expect(offsetX(bridge, context + 1)).toBeGreaterThan(offsetX(bridge, context - 1));
  });

  it("runs a shrinking object's bridge backwards: its layout reversed, one clip frame at each end", async () => {
    const { pack, feeds } = stubPack(SPEC);
    const box = "an orange box shrinks";
    await new Generator(pack).generate({ prompt: box, seed: 1, steps: 1, frames: 17, condition: { kind: "loop" } });
    const { scene } = await expandPrompt(box, pack.tokenizer);
    const layout = { scene: scene!, channels: SPEC.channels, width: 64, height: 64 };
    const [clipPass, bridgePass] = feeds;
    const clipFrames = clipPass.layout.dims[1] as number;
    const bridgeFrames = bridgePass.layout.dims[1] as number;
    expect(bridgeFrames).toBe(17 - clipFrames + 2);
    const bridge = condRow(bridgePass);
    expect(Array.from(bridge)).toEqual(Array.from(closingLayout(layout, clipFrames, 1, bridgeFrames - 2, true)));
    // In the pass's own (reversed) time the object shrinks, as its caption says: coverage falls frame by frame.
    const coverage = (f: number) => {
      let sum = 0;
      for (let s = 0; s < 16; s++) sum += bridge[(f * 16 + s) * C + 1];
      return sum;
    };
    for (let f = 1; f < bridgeFrames; f++) expect(coverage(f)).toBeLessThan(coverage(f - 1));
  });

  it("continues the parent's tracks across a forward extension's seam", async () => {
    const { pack, feeds } = stubPack(SPEC);
    const parent = { width: 64, height: 64, fps: 8, frames: Array.from({ length: 17 }, () => ({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) })) };
    const ball = "a red ball moves to the left";
    const res = await new Generator(pack).generate({
      prompt: ball, seed: 1, steps: 1, frames: 8, condition: { kind: "extend", parent, direction: "forward" },
    });
    expect(res.layout!.objects).toHaveLength(1);
    const { scene } = await expandPrompt(ball, pack.tokenizer);
    const F = feeds[0].layout.dims[1] as number;
    const overlap = F - 8;
    // The same prompt: the pass sees the parent's last frames and the next 8 of the same course, timeline 17 − overlap on.
    expect(Array.from(condRow(feeds[0]))).toEqual(Array.from(sceneLayout(scene!, 64, 64, F, 17 - overlap)));
  });

  it("starts a changed motion where the parent's object ended", async () => {
    const { pack } = stubPack(SPEC);
    const parentPrompt = (await expandPrompt("a red ball moves to the left", pack.tokenizer)).expandedPrompt;
    const { scene, parentScene } = await expandPrompt("now it moves up", pack.tokenizer, { parentPrompt });
    expect(scene!.objects[0]).toMatchObject({ color: "red", motion: "up" });
    const end = layoutTracks(parentScene!, 1, 16)[0][0];
    const next = extendedTracks(parentScene!, scene!, 17, 16, 5);
    expect(next[0][0].x).toBeCloseTo(end.x, 6);      // frame 16: still where the parent left it
    expect(next[0][0].y).toBeCloseTo(end.y, 6);
    expect(next[4][0].x).toBeCloseTo(end.x, 6);      // then straight up from there
    expect(next[4][0].y).toBeLessThan(end.y - 0.05);
  });

  it("runs without a layout when asked, for conditioned kinds, and for prompts the rewrite does not read", async () => {
    const frame = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    for (const req of [
      { prompt, layout: false },
      { prompt, expand: false },
      { prompt: "zzz qqq" },
      { prompt, condition: { kind: "animate" as const, image: frame } },
    ]) {
      const { pack, feeds } = stubPack(SPEC);
      const res = await new Generator(pack).generate({ seed: 1, steps: 1, ...req });
      expect(res.layout).toBeNull();
      expect(feeds.every((f) => (f.layout.data as Float32Array).every((v) => v === 0))).toBe(true);
    }
  });

  it("feeds nothing to a pack without the input (older packs)", async () => {
    const { pack, feeds } = stubPack(null);
    const res = await new Generator(pack).generate({ prompt, seed: 1, steps: 1 });
    expect(res.layout).toBeNull();
    expect(feeds[0].layout).toBeUndefined();
    expect(new Generator(pack).info.layout).toBe(false);
  });

  it("puts the layout in the conditional row only, whatever the guidance", () => {
    const lay = new Float32Array([1, 2]);
    expect(Array.from(layoutBatch(["cond", "uncond"], lay, 2))).toEqual([1, 2, 0, 0]);
    expect(Array.from(layoutBatch(["uncond"], lay, 2))).toEqual([0, 0]);
    expect(() => layoutBatch(["cond"], lay, 3)).toThrow(/needs 3/);
  });

  it("refuses a pack whose layout this engine cannot build", () => {
    expect(layoutMismatch(SPEC, 16)).toBeNull();
    expect(layoutMismatch({ ...SPEC, channels: SPEC.channels.slice(1) }, 16)).toMatch(/channels/);
    expect(layoutMismatch({ ...SPEC, token_px: 8 }, 16)).toMatch(/token_px/);
  });
});
