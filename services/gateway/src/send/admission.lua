-- The gateway fleet's send admission, atomic in Redis (one round trip per step).
-- ARGV[1] selects the step; KEYS are always: [1] the user's rate ZSET, [2] the user's nonce key,
-- [3] the fleet's id clock (hash: sec, seq), [4] the channel's in-flight ZSET (ids, all score 0, so
-- lexical order is id order).
--
-- admit   ARGV: limit, windowMs, pendingTtlMs, hasNonce('1'|'0'), holdSeconds
--   {'duplicate', <message json>}  the nonce was used and its message published: replay it
--   {'pending'}                    the nonce is reserved by a send still in flight (any gateway)
--   {'limited', <retryAfterMs>}    the rolling window is full; nothing was recorded
--   {'ok', <24-hex id>, <nowMs>}   admitted: slot taken, nonce reserved ('P:<id>'), id assigned and
--                                  added to the channel's in-flight set
--   The id is 8 hex of seconds (Redis TIME, never going backwards) + 16 hex of a fleet-wide
--   sequence: strictly increasing across every gateway.
-- release ARGV: id, hasNonce     the send failed: give the slot back, drop our reservation, leave the
--                                channel's in-flight set
-- commit  ARGV: id, hasNonce, messageJson, ttlSeconds, holdSeconds
--                                the send was published: remember it; 1 when no earlier id of the
--                                channel is still in flight (its broadcast may go now), else 0
-- earliest ARGV: holdSeconds     the channel's earliest id still in flight, or nil. An id older than
--                                holdSeconds counts as abandoned (its gateway died) and goes.
-- settle  ARGV: id, holdSeconds   the message was broadcast: leave the channel's in-flight set; returns
--                                the channel's earliest id still in flight (whose turn it now is), or nil
--
-- Broadcasting in id order per channel (commit or earliest, then settle after the broadcast) is what lets a client
-- that reconnects catch up with `after=<last id it saw>`: it never sees an id before an earlier one.
local step = ARGV[1]

local function earliestInFlight(holdSeconds)
  local t = redis.call('TIME')
  local stale = string.format('%08x', math.max(0, tonumber(t[1]) - tonumber(holdSeconds))) .. '0000000000000000'
  redis.call('ZREMRANGEBYLEX', KEYS[4], '-', '(' .. stale)
  return redis.call('ZRANGE', KEYS[4], 0, 0)[1]
end

if step == 'admit' then
  local limit = tonumber(ARGV[2])
  local window = tonumber(ARGV[3])
  local pendingTtl = ARGV[4]
  local hasNonce = ARGV[5] == '1'
  local holdSeconds = tonumber(ARGV[6])
  local t = redis.call('TIME')
  local sec = tonumber(t[1])
  local nowMs = sec * 1000 + math.floor(tonumber(t[2]) / 1000)

  if hasNonce then
    local v = redis.call('GET', KEYS[2])
    if v then
      if string.sub(v, 1, 2) == 'P:' then return {'pending'} end
      return {'duplicate', v}
    end
  end

  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - window)
  if redis.call('ZCARD', KEYS[1]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    local retry = tonumber(oldest[2]) + window - nowMs
    if retry < 1 then retry = 1 end
    return {'limited', string.format('%.0f', retry)}
  end

  local idSec = sec
  local lastSec = tonumber(redis.call('HGET', KEYS[3], 'sec') or '0')
  if lastSec > idSec then idSec = lastSec else redis.call('HSET', KEYS[3], 'sec', idSec) end
  local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
  local hi = math.floor(seq / 4294967296)
  local lo = seq - hi * 4294967296
  local id = string.format('%08x%08x%08x', idSec, hi, lo)

  redis.call('ZADD', KEYS[1], nowMs, id)
  redis.call('PEXPIRE', KEYS[1], window)
  if hasNonce then redis.call('SET', KEYS[2], 'P:' .. id, 'PX', pendingTtl) end
  redis.call('ZADD', KEYS[4], 0, id)
  redis.call('EXPIRE', KEYS[4], holdSeconds * 2)
  return {'ok', id, string.format('%.0f', nowMs)}
end

if step == 'release' then
  local id = ARGV[2]
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[4], id)
  if ARGV[3] == '1' and redis.call('GET', KEYS[2]) == 'P:' .. id then redis.call('DEL', KEYS[2]) end
  return 1
end

if step == 'commit' then
  if ARGV[3] == '1' then
    local v = redis.call('GET', KEYS[2])
    if v == false or v == 'P:' .. ARGV[2] then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5]) end
  end
  local first = earliestInFlight(ARGV[6])
  if first and first < ARGV[2] then return 0 end
  return 1
end

if step == 'earliest' then
  return earliestInFlight(ARGV[2]) or false
end

if step == 'settle' then
  redis.call('ZREM', KEYS[4], ARGV[2])
  return earliestInFlight(ARGV[3]) or false
end

return redis.error_reply('unknown admission step')
