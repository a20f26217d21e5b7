// `npm run engine`: one engine worker process. Store from SORA_STORE / SORA_STORE_DIR (openStore), queue from
// REDIS_URL / SORA_QUEUE_PREFIX, model from SORA_MODEL / SORA_DEVICE / SORA_THREADS / SORA_PRECISION, tuning from SORA_WORKER_*
// (config.ts). SIGTERM or SIGINT: finish the running jobs (or give them back after SORA_WORKER_GRACE_MS), then exit;
// a second signal exits at once (the jobs' locks then expire and another worker takes them).
import { checkSettings, SettingError } from "../config/settings.ts";
import { openStore } from "../store/index.ts";
import { startEngineWorker, workerTuning } from "./index.ts";

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} [engine] ${line}\n`);

async function main(): Promise<void> {
  workerTuning(); // declares the worker's settings, so the check below covers them too
  const bad = checkSettings(process.env);
  if (bad.length) throw new SettingError(bad.join("\n"));
  const store = openStore(process.env);
  const worker = await startEngineWorker({ store, log });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: no new jobs; finishing the running ones`);
    worker
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (err: Error) => {
          log(`shutdown failed: ${err.stack ?? err.message}`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: Error) => {
  log(`cannot start: ${err instanceof SettingError ? err.message : (err.stack ?? err.message)}`);
  process.exit(1);
});
