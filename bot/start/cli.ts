// `npm start` (everything on one machine) and `npm run bot` (--no-worker: bots and playground only, for hosts that
// share a Redis with separate workers). SIGTERM / SIGINT close everything in order; a second signal, or a shutdown
// that hangs, exits at once.
import { t } from "../../commands/i18n.ts";
import { logLocale, startApp, type App } from "./app.ts";
import { RedisUnavailable } from "./redis.ts";
import { SettingError } from "../../engine/config/settings.ts";

const SHUTDOWN_LIMIT_MS = 20_000;
const locale = logLocale(process.env);
const log = (line: string) => console.log(line);

let app: App | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) process.exit(1);
  stopping = true;
  log(t(locale, "startup.stopping"));
  setTimeout(() => {
    console.error(`shutdown took over ${SHUTDOWN_LIMIT_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  // A signal during start-up: close once start-up has finished (or failed).
  if (!app) return;
  await app.close();
  log(t(locale, "startup.stopped"));
  process.exit(0);
}

process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

try {
  app = await startApp({ worker: !process.argv.slice(2).includes("--no-worker"), log });
} catch (err) {
  console.error(err instanceof RedisUnavailable || err instanceof SettingError ? err.message : (err as Error)?.stack ?? String(err));
  process.exit(1);
}
if (stopping) {
  await app.close();
  log(t(locale, "startup.stopped"));
  process.exit(0);
}
