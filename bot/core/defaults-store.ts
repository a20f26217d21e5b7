// Per-server /defaults in Redis: one hash per server (commands/server-defaults.ts says what they are and how they
// apply). Values are stored as text and checked again on the way out, so a value a later limit no longer allows is
// dropped instead of failing every job.
import type { Redis } from "ioredis";
import type { Platform } from "../../commands/context.ts";
import { DEFAULT_SETTINGS, parseStored, type Defaults, type ServerDefaults } from "../../commands/server-defaults.ts";

export interface RedisServerDefaultsOptions {
  /** Keys are `<prefix>:<platform>:<serverId>`. Default "sora:defaults". */
  prefix?: string;
}

/** One Redis hash per server; fields are the setting names, values their text. The client is shared, not closed here. */
export class RedisServerDefaults implements ServerDefaults {
  private readonly prefix: string;

  constructor(private readonly redis: Redis, opts: RedisServerDefaultsOptions = {}) {
    this.prefix = opts.prefix ?? "sora:defaults";
  }

  key(platform: Platform, serverId: string): string {
    return `${this.prefix}:${platform}:${serverId}`;
  }

  async get(platform: Platform, serverId: string): Promise<Defaults> {
    return parseStored(await this.redis.hgetall(this.key(platform, serverId)));
  }

  async set(platform: Platform, serverId: string, values: Defaults): Promise<void> {
    const fields: Record<string, string> = {};
    for (const k of DEFAULT_SETTINGS) if (values[k] !== undefined) fields[k] = String(values[k]);
    if (Object.keys(fields).length) await this.redis.hset(this.key(platform, serverId), fields);
  }

  async clear(platform: Platform, serverId: string): Promise<void> {
    await this.redis.del(this.key(platform, serverId));
  }
}
