// The challenge steps that must be atomic, as Lua run inside Redis: two presses, two processes or a retried event
// never see a half-done step. Each returns a status word the store turns into a typed result.

/**
 * Start. KEYS: running, challenge, all, schedule. ARGV: id, startedAt, the channel's schedule to set with it ("" for
 * none: a schedule's first theme records the rest in the same step), then field/value pairs. "new", "same" (this id
 * already exists: a retried event), or the id of the challenge already running in the channel.
 */
export const START = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'same' end
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('SET', KEYS[4], ARGV[3]) end
return 'new'`;

/**
 * A schedule's next theme: taken off the schedule and recorded as its challenge in one step, so that no stop in
 * between loses the theme, and a retry (the same id, from the ending challenge's) takes no second one. KEYS:
 * schedule, running, challenge (the next one), all. ARGV: the schedule as the caller read it, the schedule without
 * that theme ("" when none is left), id, startedAt, then field/value pairs. "same" (this id exists: started by an
 * earlier attempt), "moved" (the schedule is not as read any more: read it again), the id of another challenge
 * running in the channel (nothing taken), or "new".
 */
export const START_NEXT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 'same' end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'moved' end
local cur = redis.call('GET', KEYS[2])
if cur then return cur end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], unpack(ARGV, 5))
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 'new'`;

/**
 * Enter a clip. KEYS: challenge, entry, entries, mine, clip. ARGV: id, clipId, userId, userName, prompt, now,
 * reservation ("" for none: the entry takes a slot of its own). "new", "already", "closed", "elsewhere", "limit".
 */
export const ENTER = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 'closed' end
if tonumber(redis.call('HGET', KEYS[1], 'endsAt')) <= tonumber(ARGV[6]) then return 'closed' end
local owner = redis.call('GET', KEYS[5])
if owner and owner ~= ARGV[1] then return 'elsewhere' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'already' end
local slot = ARGV[7]
if slot == '' then slot = ARGV[2] end
if redis.call('SISMEMBER', KEYS[4], slot) == 0 then
  if redis.call('SCARD', KEYS[4]) >= tonumber(redis.call('HGET', KEYS[1], 'entriesPerUser')) then return 'limit' end
  redis.call('SADD', KEYS[4], slot)
end
redis.call('HSET', KEYS[2], 'userId', ARGV[3], 'userName', ARGV[4], 'prompt', ARGV[5], 'at', ARGV[6])
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[2])
redis.call('SET', KEYS[5], ARGV[1])
return 'new'`;

/** Reserve a slot for a clip being made. KEYS: challenge, mine. ARGV: slot, now. "ok", "closed", "limit". */
export const RESERVE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 'closed' end
if tonumber(redis.call('HGET', KEYS[1], 'endsAt')) <= tonumber(ARGV[2]) then return 'closed' end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 'ok' end
if redis.call('SCARD', KEYS[2]) >= tonumber(redis.call('HGET', KEYS[1], 'entriesPerUser')) then return 'limit' end
redis.call('SADD', KEYS[2], ARGV[1])
return 'ok'`;

/**
 * A vote press. KEYS: challenge, entry, votes, voteEvent, voteRate. ARGV: voter, now, max presses per minute.
 * Returns { result, count }. A press whose event was counted before answers what it came to then, counting nothing.
 */
export const VOTE = `
local count = redis.call('SCARD', KEYS[3])
local prior = redis.call('GET', KEYS[4])
if prior then return {prior, count} end
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return {'closed', count} end
if tonumber(redis.call('HGET', KEYS[1], 'endsAt')) <= tonumber(ARGV[2]) then return {'closed', count} end
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('HGET', KEYS[2], 'removed') == '1' then return {'gone', 0} end
if redis.call('HGET', KEYS[2], 'userId') == ARGV[1] then return {'self', count} end
local n = redis.call('INCR', KEYS[5])
if n == 1 then redis.call('PEXPIRE', KEYS[5], 120000) end
if n > tonumber(ARGV[3]) then return {'rate', count} end
local result = 'added'
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then
  redis.call('SREM', KEYS[3], ARGV[1])
  result = 'removed'
else
  redis.call('SADD', KEYS[3], ARGV[1])
end
redis.call('SET', KEYS[4], result, 'PX', 86400000)
return {result, redis.call('SCARD', KEYS[3])}`;

/**
 * Leave the running state. KEYS: challenge, running. ARGV: id, to ("ended" or "cancelled"), now. "changed", or the
 * status it already had. The channel is free for the next challenge at once.
 */
export const STOP = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if status ~= 'running' then return status end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
if tonumber(redis.call('HGET', KEYS[1], 'endsAt')) > tonumber(ARGV[3]) then redis.call('HSET', KEYS[1], 'endsAt', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 'changed'`;

/** Close voting now (the manager's /challenge end); results follow. KEYS: challenge. ARGV: now. */
export const CLOSE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'endsAt')) > tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'endsAt', ARGV[1]) end
return 1`;

/**
 * Claim a post before it goes out (announcement, results, an entry, a cancel notice). KEYS: the hash that records it
 * (the challenge's or the entry's). ARGV: field (the message id, once posted), claim field (when the first attempt
 * began), lease field (until when an attempt is under way), now, lease ms. Returns { status, value }:
 * posted (value: the message id), gone (no such challenge or entry), busy (value: until when another attempt is
 * under way), claimed (value: when an earlier attempt began, "" for none: one that may have posted before it could
 * record its message).
 */
export const CLAIM_POST = `
local done = redis.call('HGET', KEYS[1], ARGV[1])
if done then return {'posted', done} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone', ''} end
local lease = redis.call('HGET', KEYS[1], ARGV[3])
if lease and tonumber(lease) > tonumber(ARGV[4]) then return {'busy', lease} end
local prior = redis.call('HGET', KEYS[1], ARGV[2])
if not prior then redis.call('HSET', KEYS[1], ARGV[2], ARGV[4]) end
redis.call('HSET', KEYS[1], ARGV[3], tostring(tonumber(ARGV[4]) + tonumber(ARGV[5])))
return {'claimed', prior or ''}`;

/** Record a claimed post's message id and end its lease. KEYS: the hash. ARGV: field, lease field, message id. */
export const POSTED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[1], ARGV[2])
return 1`;

/**
 * Forget a challenge that never got going (its announcement could not be posted where it was to run). KEYS:
 * challenge, running, all, schedule. ARGV: id. Its schedule goes only when this challenge began it.
 */
export const DISCARD = `
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if redis.call('HGET', KEYS[1], 'scheduled') == '1' then redis.call('DEL', KEYS[4]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`;
