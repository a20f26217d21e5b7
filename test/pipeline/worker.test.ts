// loadPipeline(): inference in a worker thread, so the host's event loop keeps running during a generation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Generator } from "../../engine/pipeline/generate.ts";
import { InferenceTimeoutError, loadPipeline, PackError, RequestError, type Pipeline, type Progress } from "../../engine/pipeline/index.ts";
import { loadPack } from "../../engine/pipeline/pack.ts";
import { findTestPack } from "./test-pack.ts";

const TP = findTestPack();

/** Counts 5 ms timer ticks and the longest gap between two of them until stopped. */
function tickMonitor(): () => { ticks: number; maxGapMs: number } {
  let last = performance.now();
  let maxGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
  }, 5);
  return () => {
    clearInterval(timer);
    return { ticks, maxGapMs: Math.max(maxGapMs, performance.now() - last) };
  };
}

describe("loadPipeline errors", () => {
  it("reports a missing pack from the worker as a PackError", async () => {
    const err = await loadPipeline({ modelDir: "/nonexistent/pack" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackError);
    expect((err as Error).message).toMatch(/model pack not found: \/nonexistent\/pack/);
  });
});

describe.skipIf(!TP.dir)(`pipeline worker (${TP.reason})`, () => {
  let pipeline: Pipeline;
  // Big enough that one VAE decode or transformer call blocks for a noticeable time.
  const req = { prompt: "a red circle moves up", seed: 5, steps: 6, aspect: "9:16" as const };

  beforeAll(async () => {
    pipeline = await loadPipeline({ modelDir: TP.dir, threads: 1 });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it("describes the loaded pack", () => {
    expect(pipeline.info).toMatchObject({ modelDir: TP.dir, device: "cpu", threads: 1, passFrames: 17, maxFrames: 17 });
    expect(pipeline.info.sizes["16:9"]).toEqual([112, 64]);
  });

  it("generates off the main thread with progress, and frames arrive intact", async () => {
    const progress: Progress[] = [];
    const r = await pipeline.generate({ ...req, onProgress: (p) => progress.push(p) });
    expect(r.clip).toMatchObject({ width: 64, height: 112, fps: 8 });
    expect(r.clip.frames).toHaveLength(17);
    expect(r.clip.frames[3].data).toBeInstanceOf(Uint8Array);
    expect(r.clip.frames[3].data.length).toBe(64 * 112 * 3);
    const denoise = progress.filter((p) => p.stage === "denoise").map((p) => p.step);
    expect(denoise).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress[0].stage).toBe("text");
    expect(progress.at(-1)!.stage).toBe("decode");
    expect(r.seed).toBe(5);
  });

  it("keeps the main event loop ticking while a generation runs", async () => {
    // Baseline: the same work on this thread starves timers for whole model calls.
    const pack = await loadPack({ modelDir: TP.dir, threads: 1 });
    const inThread = new Generator(pack);
    const stopA = tickMonitor();
    await inThread.generate(req);
    const blocked = stopA();
    await pack.release();

    const stopB = tickMonitor();
    await pipeline.generate(req);
    const free = stopB();

    expect(free.maxGapMs).toBeLessThan(blocked.maxGapMs);
    expect(free.ticks).toBeGreaterThan(3 * blocked.ticks);
  });

  it("gives the same bytes as an in-thread generation, and carries request errors across", async () => {
    const pack = await loadPack({ modelDir: TP.dir });
    const local = await new Generator(pack).generate({ ...req, steps: 2, frames: 3 });
    await pack.release();
    const remote = await pipeline.generate({ ...req, steps: 2, frames: 3 });
    remote.clip.frames.forEach((f, i) => expect(f.data).toEqual(local.clip.frames[i].data));

    const err = await pipeline.generate({ ...req, steps: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as Error).message).toMatch(/steps must be a whole number from 1 to 100/);
  });

  it("expands prompts without generating", async () => {
    const r = await pipeline.expand("a blue square");
    expect(r.expandedPrompt.toLowerCase()).toContain("blue");
  });

  it("runs concurrent requests one after another and refuses work after close", async () => {
    const p2 = await loadPipeline({ modelDir: TP.dir });
    const [a, b] = await Promise.all([p2.generate({ ...req, steps: 1, frames: 2 }), p2.generate({ ...req, steps: 1, frames: 2, seed: 6 })]);
    expect(a.clip.frames).toHaveLength(2);
    expect(b.seed).toBe(6);
    await p2.close();
    await expect(p2.generate(req)).rejects.toThrow(/closed|exited/);
  });
});

describe.skipIf(!TP.dir)("a stuck model call", () => {
  it("fails its request with InferenceTimeoutError, and a fresh thread serves the next one", async () => {
    const pipeline = await loadPipeline({ modelDir: TP.dir!, threads: 1 });
    try {
      // No denoiser call finishes in 1 ms on a CPU: every one of them looks stuck under this limit.
      process.env.SORA_INFERENCE_TIMEOUT_MS = "1";
      const t0 = performance.now();
      const err = await pipeline.generate({ prompt: "a red ball", seed: 1, steps: 4 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InferenceTimeoutError);
      expect(performance.now() - t0).toBeLessThan(5_000);
      delete process.env.SORA_INFERENCE_TIMEOUT_MS;
      const ok = await pipeline.generate({ prompt: "a red ball", seed: 1, steps: 2 });
      expect(ok.clip.frames.length).toBeGreaterThan(0);
    } finally {
      delete process.env.SORA_INFERENCE_TIMEOUT_MS;
      await pipeline.close();
    }
  });
});
