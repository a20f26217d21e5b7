import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: integration tests run the real model and ffmpeg; keep them from starving each other.
    maxWorkers: 2,
  },
});
