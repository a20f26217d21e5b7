// Playground session ids are issued by the server, never chosen by the browser: a session id is the playground user's
// identity (their jobs, clips and uploads), so one that could be guessed or picked — a Discord user's public id, say —
// could act as someone else. An id is 22 random base64url characters and an HMAC of them (22 more) under a secret
// every bot process shares (PLAYGROUND_SECRET, else one kept in Redis), so any process can check any id without a
// lookup, and ids stay valid across restarts.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Redis } from "ioredis";

const PART = 22;
export const SESSION_ID = /^[A-Za-z0-9_-]{44}$/;

export class SessionIds {
  private constructor(private readonly secret: Buffer) {}

  /** The shared secret: PLAYGROUND_SECRET when set, else created once in Redis (SET NX) and read by every process. */
  static async open(redis: Redis, key: string, env: NodeJS.ProcessEnv = process.env): Promise<SessionIds> {
    const configured = env.PLAYGROUND_SECRET?.trim();
    if (configured) return new SessionIds(Buffer.from(configured, "utf8"));
    await redis.set(key, randomBytes(32).toString("base64url"), "NX");
    const stored = await redis.get(key);
    if (!stored) throw new Error(`the playground's session secret (${key}) could not be read from Redis`);
    return new SessionIds(Buffer.from(stored, "utf8"));
  }

  issue(): string {
    const random = randomBytes(16).toString("base64url").slice(0, PART);
    return random + this.sign(random);
  }

  /** True only for an id this deployment issued. */
  valid(id: unknown): id is string {
    if (typeof id !== "string" || !SESSION_ID.test(id)) return false;
    const given = Buffer.from(id.slice(PART));
    const expected = Buffer.from(this.sign(id.slice(0, PART)));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(random: string): string {
    return createHmac("sha256", this.secret).update(`playground-session:${random}`).digest("base64url").slice(0, PART);
  }
}
