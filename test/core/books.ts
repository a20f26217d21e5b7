// Delivery books for tests on the real Redis: one prefix per test file, every book stopped and every key removed
// afterwards; and a poll for a delivery record as an adapter wrote it.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll } from "vitest";
import { DeliveryBook, type DeliveryRecord } from "../../bot/core/deliveries.ts";
import { connectRedis } from "../../engine/queue/connection.ts";
import { cleanup, keysUnder } from "../queue/helpers.ts";

/** A prefix and Redis connection of the calling test file, and `book(owner)` for one simulated bot process each. */
export function bookWorld(name: string): { prefix: string; redis: Redis; book: (owner: string, claimMs?: number) => DeliveryBook } {
  const prefix = `sora-${name}-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis();
  const books: DeliveryBook[] = [];
  afterAll(async () => {
    for (const b of books) await b.stop();
    await cleanup(redis, prefix);
    await redis.quit();
  });
  const book = (owner: string, claimMs = 60_000): DeliveryBook => {
    const b = new DeliveryBook(redis, { prefix, owner, claimMs });
    books.push(b);
    return b;
  };
  return { prefix, redis, book };
}

/** The first delivery recorded under `<deliveryPrefix>:job:*` that `check` accepts, once there is one. */
export async function waitForDelivery<P>(redis: Redis, deliveryPrefix: string, check: (d: DeliveryRecord<P>) => boolean, what: string): Promise<DeliveryRecord<P>> {
  for (let n = 0; n < 400; n++) {
    for (const key of await keysUnder(redis, `${deliveryPrefix}:job`)) {
      const raw = await redis.get(key);
      const d = raw ? (JSON.parse(raw) as DeliveryRecord<P>) : undefined;
      if (d && check(d)) return d;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no delivery recorded: ${what}`);
}
