// An image a person shared just before asking, for platforms whose slash commands carry no files (Slack's): the
// adapter remembers the newest image each person shared in a channel, and their next /sora there animates it. Kept in
// Redis, since one bot process may see the message and another the command; for a few minutes; and taken once, so an
// image animates the one request that followed it, not every later one.
//
// Keys: `<prefix>:<platform>:<server>:<channel>:<user>` → the attachment as JSON. Ids become key segments only when
// they look like platform ids, so nothing a person typed or named can reach into another key.
import type { Redis } from "ioredis";
import type { Attachment, Platform } from "../../commands/context.ts";

/** Who shared it, and where. */
export interface ImageSpot {
  platform: Platform;
  serverId?: string;
  channelId: string;
  userId: string;
}

export interface SharedImagesOptions {
  /** Default "sora:shared-images". */
  prefix?: string;
  /** How long a shared image waits for its /sora; default 10 minutes. */
  ttlSeconds?: number;
}

const ID = /^[A-Za-z0-9_.-]{1,80}$/;
const DEFAULT_TTL_SECONDS = 10 * 60;

export class SharedImages {
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(private readonly redis: Redis, opts: SharedImagesOptions = {}) {
    this.prefix = opts.prefix ?? "sora:shared-images";
    this.ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  private key(s: ImageSpot): string | undefined {
    const parts = [s.serverId ?? "-", s.channelId, s.userId];
    return parts.every((p) => p === "-" || ID.test(p)) ? `${this.prefix}:${s.platform}:${parts.join(":")}` : undefined;
  }

  /** The newest image this person shared here replaces any earlier one. */
  async remember(spot: ImageSpot, image: Attachment): Promise<void> {
    const key = this.key(spot);
    if (!key) return;
    const { url, name, contentType, size } = image;
    await this.redis.set(key, JSON.stringify({ url, name, contentType, size }), "EX", this.ttl);
  }

  /** The image this person shared here within the last few minutes, if any; it is forgotten as it is taken. */
  async take(spot: ImageSpot): Promise<Attachment | undefined> {
    const key = this.key(spot);
    const raw = key ? await this.redis.getdel(key) : null;
    return raw ? parse(raw) : undefined;
  }
}

/** What was stored, read back strictly: only the fields an Attachment has, each of its own type. */
function parse(raw: string): Attachment | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof v?.url !== "string") return undefined;
  return {
    url: v.url,
    ...(typeof v.name === "string" ? { name: v.name } : {}),
    ...(typeof v.contentType === "string" ? { contentType: v.contentType } : {}),
    ...(typeof v.size === "number" ? { size: v.size } : {}),
  };
}
