// Redis connection settings from REDIS_URL (default the local server), shared by producer, events and store.
import { Redis, type RedisOptions } from "ioredis";

export function redisUrl(): string {
  return process.env.REDIS_URL || "redis://127.0.0.1:6379";
}

/**
 * A new client. BullMQ needs `maxRetriesPerRequest: null` on blocking connections, and we want commands to wait
 * through a Redis restart rather than fail, so every client gets it.
 */
export function connectRedis(url = redisUrl(), opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...opts });
}
