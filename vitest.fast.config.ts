// `npm run test:fast`: the tests that need no Redis, no model, no ffmpeg, no Chromium and no other child process —
// about half the files, in under a minute on 2 busy cores. `npm test` (vitest.config.ts) still runs every file.
//
// The rule: every test file is in the fast set unless SLOW below lists it. SLOW is the files that need one of those
// things, found by running each file with Redis unreachable, SORA_MODEL pointing nowhere and no ffmpeg on PATH. The
// setup file test/fast-guard.ts keeps the rule true as files are added or change: in the fast set a connection to
// Redis, an onnxruntime session or a child process fails the test at once with a message naming the file, and
// REDIS_URL and SORA_MODEL below point at nothing. A file that trips it either stops needing the service (a fake, an
// in-memory store) or goes into SLOW.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

export const SLOW = [
  // Redis: the queue, the clip and delivery stores, /defaults, the bot worlds on the fake Discord and fake Slack.
  "test/discord/fake.test.ts",
  "test/discord/parity.test.ts",
  "test/playground/defaults.test.ts",
  "test/playground/parity.test.ts",
  "test/slack/defaults.test.ts",
  "test/slack/limits.test.ts",
  "test/slack/parity.test.ts",
  "test/slack/shared-image.test.ts",
  "test/commands/defaults.test.ts",
  "test/commands/real-queue.test.ts",
  "test/core/deliveries.test.ts",
  "test/core/links.test.ts",
  "test/core/link-migration.test.ts",
  "test/core/takeover.test.ts",
  "test/discord/defaults.test.ts",
  "test/discord/input.test.ts",
  "test/playground/limits.test.ts",
  "test/playground/lost.test.ts",
  "test/playground/server.test.ts",
  "test/queue/cancel.test.ts",
  "test/queue/events.test.ts",
  "test/queue/fairness.test.ts",
  "test/queue/idempotency.test.ts",
  "test/queue/ratelimit.test.ts",
  "test/queue/validation.test.ts",
  "test/security/bot-prompts.test.ts",
  "test/slack/http.test.ts",
  "test/slack/input.test.ts",
  "test/slack/workflow.test.ts",
  "test/store/expiring-blobs.test.ts",
  "test/store/retention.test.ts",
  "test/store/store.test.ts",
  // Redis: prompt challenges (the kernel, the playground's API, the Slack workflow steps).
  "test/core/challenges/command.test.ts",
  "test/core/challenges/deadline.test.ts",
  "test/core/challenges/votes.test.ts",
  "test/core/challenges/idempotency.test.ts",
  "test/core/challenges/reel.test.ts",
  "test/core/challenges/schedule.test.ts",
  "test/playground/challenge.test.ts",
  "test/playground/history.test.ts",
  "test/slack/challenge-workflow.test.ts",
  // Redis with ffmpeg and Chromium (the gallery; the playground page), or the engine worker (the platforms' stories).
  "test/core/challenges/gallery.test.ts",
  "test/playground/challenge-browser.test.ts",
  "test/discord/challenge.test.ts",
  "test/slack/challenge.test.ts",
  // Redis, and the model (the engine worker) or ffmpeg.
  "test/discord/flow.test.ts",
  "test/discord/limits.test.ts",
  "test/discord/restart.test.ts",
  "test/slack/flow.test.ts",
  "test/worker/cancel.test.ts",
  "test/worker/failures.test.ts",
  "test/worker/kinds.test.ts",
  "test/worker/connect-stitch.test.ts",
  // The model alone: a pack opened in onnxruntime.
  "test/eval/run.test.ts",
  "test/pipeline/integration.test.ts",
  "test/pipeline/pack.test.ts",
  "test/pipeline/worker.test.ts",
  // ffmpeg and ffprobe (metadata.test.ts only looks them up on PATH).
  "test/video/concat.test.ts",
  "test/video/decode.test.ts",
  "test/video/encode.test.ts",
  "test/video/metadata.test.ts",
  "test/video/preview.test.ts",
  // Child processes: the CLIs, a private redis-server, Chromium, docker compose.
  "test/discord/register.test.ts",
  "test/docker/compose.test.ts",
  "test/engine/cli.test.ts",
  "test/playground/e2e.test.ts",
  "test/playground/start.test.ts",
  "test/queue/reconnect.test.ts",
  "test/security/cli-prompts.test.ts",
  "test/worker/crash.test.ts",
  "test/worker/redis-restart.test.ts",
];

// A renamed or deleted slow file would otherwise leave a dead line here (and its new name in the fast set).
const gone = SLOW.filter((f) => !existsSync(join(import.meta.dirname, f)));
if (gone.length > 0) throw new Error(`vitest.fast.config.ts: SLOW lists files that do not exist: ${gone.join(", ")}`);

export default mergeConfig(base, defineConfig({
  test: {
    exclude: [...configDefaults.exclude, ...SLOW],
    setupFiles: ["test/fast-guard.ts"],
    // One module graph per worker instead of one per file: half the time (import was most of it). A fast test must
    // therefore leave no global state behind; the guard undoes fake timers, stubbed env and globals and spies after
    // each file, and a file that cannot share (vi.mock of a module others import) belongs in SLOW.
    isolate: false,
    // Nothing listens on port 9, and no model pack is there: a test that reads either fails instead of finding them.
    env: { REDIS_URL: "redis://127.0.0.1:9", SORA_MODEL: "/nonexistent/test-fast-has-no-model" },
    // The slowest fast file takes ~10 s on a busy machine; a test that waits on something missing fails in 30.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
}));
