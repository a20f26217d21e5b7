// End to end through the real command line: the shipped model pack, onnxruntime, ffmpeg and ffprobe, and the
// evaluation's pixel scorer reading the decoded MP4.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scoreClip } from "../../engine/eval/score.ts";
import { seamRatio } from "../../engine/eval/temporal.ts";
import { completeScene, parsePrompt } from "../../engine/synth/index.ts";
import { decodeToFrames, probe, readMetadata } from "../../engine/video/index.ts";

const root = join(import.meta.dirname, "../..");
const shipped = join(root, "engine/models/default");
const dir = mkdtempSync(join(tmpdir(), "sora-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sora(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/sora.mjs"), ...args], {
    encoding: "utf8", env: { ...process.env, SORA_MODEL: shipped }, timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PROMPT = "a red ball moves to the right on a black background";

describe("sora generate with the shipped model", () => {
  it("the pack is in the repository", () => {
    expect(existsSync(join(shipped, "model_index.json"))).toBe(true);
  });

  it("writes an H.264 MP4 whose pixels show what the prompt asks", async () => {
    const out = join(dir, "clip.mp4");
    const r = sora("generate", PROMPT, "-o", out, "--seed", "1", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ video: out, frames: 17, width: 64, height: 64, fps: 8, seed: 1 });

    const info = await probe(out);
    expect(info).toMatchObject({ codec: "h264", pixFmt: "yuv420p", width: 256, height: 256, frames: 17 });
    const meta = await readMetadata(out);
    expect(meta).toMatchObject({ aiGenerated: true, prompt: PROMPT, seed: 1 });

    const clip = await decodeToFrames(out, { width: 64, height: 64 });
    expect(clip.frames).toHaveLength(17);
  });

  // Skipped until DiT step 31372 (direction 0–8 % before; 66 % there, 96 held-out prompts): background, colour and
  // the direction of one fixed prompt and seed.
  it("its pixels show what the prompt asks", async () => {
    const out = join(dir, "adherence.mp4");
    expect(sora("generate", PROMPT, "-o", out, "--seed", "1").code).toBe(0);
    const clip = await decodeToFrames(out, { width: 64, height: 64 });
    const score = scoreClip(clip, completeScene(parsePrompt(PROMPT)));
    expect(score.background.ok).toBe(true);
    expect(score.objects[0].color).toBe(true);
    expect(score.objects[0].direction).toBe(true);
  });

  it("extends a clip forwards: the parent's frames come first, then new ones", async () => {
    const parent = join(dir, "parent.mp4");
    expect(sora("generate", PROMPT, "-o", parent, "--seed", "2").code).toBe(0);
    const child = join(dir, "child.mp4");
    const r = sora("generate", "a red ball moves to the right", "--extend", parent, "-o", child, "--seed", "3", "--json");
    expect(r.code, r.stderr).toBe(0);
    const parentClip = await decodeToFrames(parent, { width: 64, height: 64 });
    const childClip = await decodeToFrames(child, { width: 64, height: 64 });
    expect(childClip.frames.length).toBeGreaterThan(parentClip.frames.length);
    // The parent's frames come back first, unchanged but for the MP4 round trip.
    const last = parentClip.frames.length - 1;
    const diff = meanAbsDiff(childClip.frames[last].data, parentClip.frames[last].data);
    expect(diff).toBeLessThan(4);
  });

  // The seam target (≤ 1.5× the median frame change). Step 31372 broke it for moving objects (this parent: 2.0–2.6×
  // over child seeds 3–8: the object was pulled back from the edge); step 35053, trained on paths that leave the frame,
  // gives 0.90–1.12× over the same seeds.
  it("the first new frame continues the parent's last (the seam target)", async () => {
    const parent = join(dir, "parent.mp4");
    const child = join(dir, "child-seam.mp4");
    expect(sora("generate", "a red ball moves to the right", "--extend", parent, "-o", child, "--seed", "3").code).toBe(0);
    const parentClip = await decodeToFrames(parent, { width: 64, height: 64 });
    const childClip = await decodeToFrames(child, { width: 64, height: 64 });
    expect(seamRatio(childClip.frames, parentClip.frames.length)).toBeLessThan(1.5);
  });
});

describe("sora generate refuses bad input clearly and writes nothing", () => {
  const out = join(dir, "never.mp4");
  const corrupt = join(dir, "corrupt.png");
  writeFileSync(corrupt, Buffer.from("this is not a picture at all"));

  it.each([
    ["an empty prompt", ["generate", "  ", "-o", out], /prompt is empty/],
    ["a 2,000-character prompt", ["generate", "a red ball ".repeat(200), "-o", out], /prompt.*(long|characters)/i],
    ["an unknown flag", ["generate", "a star", "--sparkle", "-o", out], /sparkle/],
    ["a corrupt image", ["generate", "a star", "--image", corrupt, "-o", out], /corrupt|not a|cannot|unsupported|decode/i],
    ["zero frames", ["generate", "a star", "--seconds", "0", "-o", out], /--seconds/],
    ["a missing parent", ["generate", "a star", "--extend", join(dir, "nope.mp4"), "-o", out], /no such file/],
  ])("%s", (_what, args, message) => {
    const r = sora(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message for people, not a stack trace
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp") || f.startsWith("."))).toEqual([]);
  });
});

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}
