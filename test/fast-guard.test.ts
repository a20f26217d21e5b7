// The guard of `npm run test:fast` (test/fast-guard.ts) refuses what the fast set must not need: without it a test
// that starts needing Redis, the model or a child process would pass in the fast set on any machine that has them.
// Runs only under vitest.fast.config.ts (the guard is its setup file); `npm test` skips it.
import { spawn } from "node:child_process";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { connectRedis } from "../engine/queue/connection.ts";
import type { FastGuard } from "./fast-guard.ts";

const guard = (globalThis as { [k: symbol]: FastGuard | undefined })[Symbol.for("sora.test-fast.guard")];
const refusal = /npm run test:fast: test\/fast-guard\.test\.ts .*list the file in SLOW in vitest\.fast\.config\.ts/;

describe.runIf(guard)("the test:fast guard", () => {
  it("refuses Redis, at REDIS_URL and at the default port", async () => {
    expect(process.env.REDIS_URL).toBe("redis://127.0.0.1:9");
    const client = connectRedis();
    client.on("error", () => {});
    await expect(client.ping()).rejects.toThrow(refusal);
    client.disconnect();
    expect(() => new Socket().connect(6379, "127.0.0.1")).toThrow(refusal);
    guard!.forgive();
  });

  it("refuses child processes (ffmpeg, redis-server, Chromium, the CLIs)", () => {
    expect(() => spawn("ffmpeg", ["-version"])).toThrow(refusal);
    guard!.forgive();
  });

  it("refuses the model: no onnxruntime session, and SORA_MODEL points nowhere", async () => {
    expect(process.env.SORA_MODEL).toMatch(/^\/nonexistent\//);
    const ort = await import("onnxruntime-node");
    await expect(ort.InferenceSession.create("engine/models/default/text_encoder/model.onnx")).rejects.toThrow(refusal);
    guard!.forgive();
  });
});
