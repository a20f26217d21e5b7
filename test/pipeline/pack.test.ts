import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PackError, readManifest, PACK_FILES } from "../../engine/pipeline/manifest.ts";
import {
  choosePrecision, cudaProviderInstalled, DEFAULT_MODEL_DIR, loadPack, REPO_ROOT, resolveDevice, resolveModelDir, resolvePrecision,
  resolveThreads, sessionOptions,
} from "../../engine/pipeline/pack.ts";

const index = {
  _class_name: "TinySoraPipeline", format_version: 1, name: "t", fps: 8, default_frames: 17, max_frames: 17,
  sizes: { "1:1": [64, 64], "16:9": [112, 64], "9:16": [64, 112] }, vae_scale_factor: 8, patch_size: [1, 2, 2],
  latent_channels: 2, latent_mean: [0, 0], latent_std: [1, 1], hidden_size: 12, text_hidden_size: 8,
  pos_embed: { type: "sincos3d", theta: 10000 },
};

/** A pack directory with valid JSON and empty placeholder ONNX files (enough for the manifest checks). */
function fakePack(overrides: Record<string, unknown> = {}, skip: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), "pack-"));
  for (const rel of Object.values(PACK_FILES)) {
    if (skip.includes(rel)) continue;
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), "");
  }
  if (!skip.includes(PACK_FILES.index)) writeFileSync(join(dir, PACK_FILES.index), JSON.stringify({ ...index, ...overrides }));
  writeFileSync(join(dir, PACK_FILES.scheduler), JSON.stringify({ _class_name: "RectifiedFlowEulerScheduler", shift: 2, default_steps: 20, default_guidance: 4 }));
  if (!skip.includes(PACK_FILES.tokenizerConfig)) {
    writeFileSync(join(dir, PACK_FILES.tokenizerConfig), JSON.stringify({ lowercase: true, pad_id: 0, unk_id: 1, bos_id: 2, max_length: 40 }));
  }
  if (!skip.includes(PACK_FILES.vocab)) writeFileSync(join(dir, PACK_FILES.vocab), JSON.stringify({ "<pad>": 0, "<unk>": 1, "<bos>": 2 }));
  return dir;
}

describe("model pack location and options", () => {
  it("resolves the directory: option, then SORA_MODEL, then the repo's engine/models/default", () => {
    expect(DEFAULT_MODEL_DIR).toBe(join(REPO_ROOT, "engine", "models", "default"));
    expect(resolveModelDir(undefined, {})).toBe(DEFAULT_MODEL_DIR);
    expect(resolveModelDir(undefined, { SORA_MODEL: "/x/y" })).toBe("/x/y");
    expect(resolveModelDir("/a/b", { SORA_MODEL: "/x/y" })).toBe("/a/b");
    // relative and absent from the cwd → from the repository root
    expect(resolveModelDir("no-such-dir-here/pack", {})).toBe(join(REPO_ROOT, "no-such-dir-here", "pack"));
  });

  it("reads device and threads from the environment with clear errors", () => {
    expect(resolveDevice(undefined, {})).toBe("cpu");
    expect(resolveDevice(undefined, { SORA_DEVICE: "CUDA" })).toBe("cuda");
    expect(() => resolveDevice(undefined, { SORA_DEVICE: "tpu" })).toThrow(/unknown device "tpu"/);
    expect(resolveThreads(undefined, {})).toBe(1);
    expect(resolveThreads(undefined, { SORA_THREADS: "2" })).toBe(2);
    expect(() => resolveThreads(undefined, { SORA_THREADS: "two" })).toThrow(/SORA_THREADS/);
    expect(sessionOptions("cpu", 3)).toMatchObject({ executionProviders: ["cpu"], graphOptimizationLevel: "all", intraOpNumThreads: 3, executionMode: "sequential" });
  });

  it("chooses the denoiser's precision: int8 on the CPU where the pack has it, fp32 otherwise, clear errors", () => {
    expect(resolvePrecision(undefined, {})).toBe("auto");
    expect(resolvePrecision(undefined, { SORA_PRECISION: "INT8" })).toBe("int8");
    expect(resolvePrecision("fp32", { SORA_PRECISION: "int8" })).toBe("fp32");
    expect(() => resolvePrecision(undefined, { SORA_PRECISION: "fp16" })).toThrow(/unknown precision "fp16"/);
    expect(choosePrecision("auto", "cpu", true, "/p")).toBe("int8");
    expect(choosePrecision("auto", "cpu", false, "/p")).toBe("fp32");
    expect(choosePrecision("auto", "cuda", true, "/p")).toBe("fp32");
    expect(choosePrecision("fp32", "cpu", true, "/p")).toBe("fp32");
    expect(() => choosePrecision("int8", "cpu", false, "/p")).toThrow(/model pack \/p has no transformer\/model.int8.onnx/);
    expect(() => choosePrecision("int8", "cuda", true, "/p")).toThrow(/CPU only/);
  });

  it("explains how to get the CUDA provider when it is missing", async () => {
    if (cudaProviderInstalled()) return; // a CUDA-enabled install: nothing to explain
    await expect(loadPack({ modelDir: fakePack(), device: "cuda" })).rejects.toThrow(/script\/install\.js --onnxruntime-node-install=cuda12/);
  });
});

describe("model pack validation", () => {
  it("accepts a well-formed manifest", () => {
    expect(readManifest(fakePack()).index.name).toBe("t");
  });

  it("names missing files", () => {
    expect(() => readManifest(fakePack({}, [PACK_FILES.transformer, PACK_FILES.vocab]))).toThrow(/missing: tokenizer\/vocab.json, transformer\/model.onnx/);
    expect(() => readManifest("/nonexistent/pack")).toThrow(/model pack not found.*SORA_MODEL/);
  });

  it("rejects another format_version and malformed fields", () => {
    expect(() => readManifest(fakePack({ format_version: 2 }))).toThrow(PackError);
    expect(() => readManifest(fakePack({ format_version: 2 }))).toThrow(/format_version 2; this engine reads format_version 1/);
    expect(() => readManifest(fakePack({ latent_std: [1] }))).toThrow(/latent_std/);
    expect(() => readManifest(fakePack({ sizes: { "1:1": [60, 64] } }))).toThrow(/sizes/);
    expect(() => readManifest(fakePack({ patch_size: [2, 2, 2] }))).toThrow(/patch_size/);
  });

  it("reports an ONNX file that is not a model", async () => {
    await expect(loadPack({ modelDir: fakePack() })).rejects.toThrow(/cannot load .*text_encoder\/model.onnx/);
  });
});
