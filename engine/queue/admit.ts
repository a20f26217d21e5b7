// Admission: idempotency, rate limits and the fairness round for one job, decided in ONE Lua script so that any
// number of producer processes agree (Redis runs a script atomically; nothing else interleaves).
//
// Fairness (BullMQ's open-source edition has no groups, so we write it) — start-time fair queuing on priorities:
// every job gets a "round" and is added to BullMQ with priority = round. BullMQ serves the lowest priority first and
// is FIFO within one priority, so round k holds each waiting user's k-th job and users interleave round-robin:
//   round(job) = max(last round given to this user + 1, round of the job at the head of the queue)
// A user who arrives late joins the round being served now instead of queueing behind someone's fifty jobs; a user
// returning after a pause is not punished for old history (the head has moved past it). When nothing waits, history
// is meaningless, so the per-user table is cleared and rounds restart at 1: that also keeps rounds far below BullMQ's
// priority ceiling (2^21 − 1) in any queue that ever drains.
//
// Why priorities, not a per-user waiting list feeding BullMQ: the jobs stay in BullMQ from the start, so workers need
// no dispatcher, and cancel / position / retention / stalled-job recovery are BullMQ's own, proven code.
//
// The head round is read from BullMQ's prioritized zset (score = priority · 2^32 + counter, see BullMQ's
// addJobWithPriority.lua / getCountsPerPriority.lua). That couples us to one BullMQ detail; the fairness test fails
// if it changes. The script runs before `queue.add`, so for a few milliseconds an admitted job is not yet in the
// zset; a concurrent admission that looks then may see a slightly older head (or an empty queue). The effect is
// bounded by the number of admissions in flight at that instant and never affects correctness, only exact order.
//
// Rate limits are sliding-window logs (a zset of admission times per user and per server, trimmed to the window):
// exact, no burst at window edges, and `retryAfter` is when the oldest counted admission leaves the window. Time
// comes from Redis (TIME) so producers on many hosts share one clock. A duplicate event consumes nothing.
import type { Redis } from "ioredis";
import type { RateLimits } from "./limits.ts";

/** BullMQ's highest priority value. */
export const MAX_PRIORITY = 2_097_151;

const ADMIT_LUA = `
-- KEYS: 1 event key, 2 user rate log, 3 server rate log, 4 fairness table, 5 BullMQ prioritized zset, 6 user's jobs,
--       7 the admission's pending mark (its round, until queue.add has run: see Producer)
-- ARGV: 1 jobId, 2 user key, 3 user max, 4 user window ms, 5 server max (0: no server), 6 server window ms,
--       7 event ttl s, 8 max priority
local existing = redis.call('GET', KEYS[1])
if existing then return {'dup', existing} end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- Milliseconds until the log at key has room for one more, or 0 if it has room now.
local function wait_ms(key, max, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < max then return 0 end
  -- The (count - max + 1)-th oldest entry must leave before one more fits (count > max if the limit was lowered).
  local e = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
  return math.max(1, tonumber(e[2]) + window - now)
end

local userMax, userWindow = tonumber(ARGV[3]), tonumber(ARGV[4])
local serverMax, serverWindow = tonumber(ARGV[5]), tonumber(ARGV[6])
local w = wait_ms(KEYS[2], userMax, userWindow)
if w > 0 then return {'limited', 'user', w} end
if serverMax > 0 then
  w = wait_ms(KEYS[3], serverMax, serverWindow)
  if w > 0 then return {'limited', 'server', w} end
end

local jobId = ARGV[1]
redis.call('ZADD', KEYS[2], now, jobId)
redis.call('PEXPIRE', KEYS[2], userWindow)
if serverMax > 0 then
  redis.call('ZADD', KEYS[3], now, jobId)
  redis.call('PEXPIRE', KEYS[3], serverWindow)
end

local round
local head = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
if head[1] == nil then
  redis.call('DEL', KEYS[4])
  round = 1
else
  local headRound = math.floor(tonumber(head[2]) / 4294967296)
  local last = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0')
  round = math.max(last + 1, headRound, 1)
end
-- At the ceiling the queue degrades to FIFO for the excess rather than failing (needs ~2M rounds without draining).
round = math.min(round, tonumber(ARGV[8]))
redis.call('HSET', KEYS[4], ARGV[2], round)

redis.call('SET', KEYS[1], jobId, 'EX', tonumber(ARGV[7]))
redis.call('SET', KEYS[7], tostring(round), 'EX', tonumber(ARGV[7]))
redis.call('ZADD', KEYS[6], now, jobId)
redis.call('EXPIRE', KEYS[6], tonumber(ARGV[7]))
return {'ok', round}
`;

export interface AdmitKeys {
  event: string;
  rateUser: string;
  rateServer: string;
  fairLast: string;
  prioritized: string;
  userJobs: string;
  /** Set with the admission, deleted once the job is in BullMQ: a mark left behind is an admission never queued. */
  pending: string;
}

export type Admission =
  | { kind: "ok"; round: number }
  | { kind: "duplicate"; jobId: string }
  | { kind: "limited"; scope: "user" | "server"; retryAfterMs: number };

export async function admit(
  redis: Redis,
  keys: AdmitKeys,
  args: { jobId: string; userKey: string; hasServer: boolean; limits: RateLimits; eventTtlSeconds: number },
): Promise<Admission> {
  const { limits } = args;
  const res = (await redis.eval(
    ADMIT_LUA,
    7,
    keys.event,
    keys.rateUser,
    keys.rateServer,
    keys.fairLast,
    keys.prioritized,
    keys.userJobs,
    keys.pending,
    args.jobId,
    args.userKey,
    limits.user.max,
    limits.user.windowSeconds * 1000,
    args.hasServer ? limits.server.max : 0,
    limits.server.windowSeconds * 1000,
    args.eventTtlSeconds,
    MAX_PRIORITY,
  )) as [string, string | number, number?];
  if (res[0] === "dup") return { kind: "duplicate", jobId: String(res[1]) };
  if (res[0] === "limited") return { kind: "limited", scope: res[1] as "user" | "server", retryAfterMs: Number(res[2]) };
  return { kind: "ok", round: Number(res[1]) };
}

/** Undo an admission whose `queue.add` failed, so the event can be retried and its rate-limit slots are refunded. */
export async function unadmit(redis: Redis, keys: AdmitKeys, jobId: string): Promise<void> {
  await redis
    .multi()
    .del(keys.event)
    .del(keys.pending)
    .zrem(keys.rateUser, jobId)
    .zrem(keys.rateServer, jobId)
    .zrem(keys.userJobs, jobId)
    .exec();
}
