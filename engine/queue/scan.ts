// Finding and deleting every key under a prefix on a Redis that others share: SCAN in batches, never KEYS (which
// blocks the server while it walks the whole keyspace). For benchmarks and tests that clean up their own prefix.
import type { Redis } from "ioredis";

const BATCH = 500;

/** Every key under `<prefix>:`. */
export async function keysUnder(r: Redis, prefix: string): Promise<string[]> {
  const all: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", BATCH);
    all.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return all;
}

/** Delete every key under `<prefix>:`. */
export async function deleteUnder(r: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(r, prefix);
  for (let i = 0; i < keys.length; i += BATCH) await r.del(...keys.slice(i, i + BATCH));
}
