// Shared by the queue and store tests: a unique key prefix per test file on the shared Redis, and its cleanup.
import { randomUUID } from "node:crypto";
import { Worker, type Processor } from "bullmq";
import type { Redis } from "ioredis";
import { connectRedis } from "../../engine/queue/connection.ts";
import { QUEUE_NAME } from "../../engine/queue/keys.ts";
import type { ClipJob } from "../../engine/queue/schema.ts";

export function testPrefix(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

export function redis(): Redis {
  return connectRedis(process.env.REDIS_URL || "redis://127.0.0.1:6379");
}

/** Every key under the prefix, and their deletion (SCAN, never KEYS: the Redis is shared). */
export { keysUnder, deleteUnder as cleanup } from "../../engine/queue/scan.ts";

let n = 0;
/** A valid generate job; override any field. */
export function job(userId: string, over: Partial<ClipJob> = {}): ClipJob {
  n += 1;
  return {
    kind: "generate",
    eventId: `evt-${randomUUID()}-${n}`,
    origin: { platform: "playground", userId, serverId: "server-1", conversation: "thread-1", locale: "en" },
    prompt: "a red square slides right",
    ...over,
  };
}

/** A BullMQ worker on the test prefix, not started until `.run()` (so tests can fill the queue first). */
export function trivialWorker(prefix: string, processor: Processor<ClipJob>, concurrency = 1): Worker<ClipJob> {
  return new Worker<ClipJob>(QUEUE_NAME, processor, {
    connection: redis(),
    prefix,
    autorun: false,
    concurrency,
  });
}

/** Resolve when `check()` holds, polling; reject after `limitMs` (a hang guard, not a timing assertion). */
export async function until(check: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}
