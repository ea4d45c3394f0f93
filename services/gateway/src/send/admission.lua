-- The gateway fleet's send path in Redis: admission, and each channel's broadcast order. Every step is
-- one atomic script call. ARGV[1] selects the step; KEYS are always:
--   [1] the user's rate ZSET  [2] the user's nonce key  [3] the fleet's id clock (hash: sec, seq)
--   [4] the channel's in-flight ZSET (admitted ids not yet broadcast or failed; all score 0, so
--       lexical order is id order)  [5] the channel's parked HASH (id -> broadcast payload)
--
-- Nonce key values: 'P:<id>:<createdMs>:<takeover deadline ms>:<draft json>' (admitted, outcome not known
-- yet, NONCE_PENDING_TTL_MS; the draft is the message without id and createdAt, so a retry can rebuild
-- the very same message if the admitting gateway died: see 'takeover'), 'U:<message json>'
-- (published but the confirm never came: unknown; the retry republishes it), 'R:<deadline ms>:<message
-- json>' (a retry is republishing it; another retry may take over after the deadline), '<message json>'
-- (durable: a repeat replays it).
--
-- admit   ARGV: limit, windowMs, pendingTtlMs, hasNonce('1'|'0'), holdSeconds, draftJson ('' = none), takeoverMs
--   {'duplicate', <message json>}  the nonce's message is durable: replay it
--   {'pending'}                    a send with this nonce is in flight (any gateway)
--   {'takeover', <id>, <createdMs>, <draft json>}  a send with this nonce was admitted more than
--                                  takeoverMs ago and nobody settled it (its gateway died, perhaps after
--                                  the publish left): rebuild that message and publish it again (same id;
--                                  history keeps one). The reservation is renewed for this retry.
--   {'republish', <message json>}  the nonce's message has an unknown outcome: publish it again (same id)
--   {'limited', <retryAfterMs>}    the rolling window is full; nothing was recorded
--   {'ok', <24-hex id>, <nowMs>}   admitted: slot taken, nonce reserved, id assigned (8 hex of seconds
--                                  from Redis TIME, never going backwards, + 16 hex of a fleet-wide
--                                  sequence) and added to the channel's in-flight set
-- commit  ARGV: id, hasNonce, messageJson, ttlSeconds, holdSeconds, shardChannel, payload
--   The message is durable (confirmed). The nonce now replays it. Then the channel's reorder buffer:
--   an id that is no longer in flight (a republish, or one dropped as abandoned) is SPUBLISHed at once;
--   otherwise its payload is parked and the channel is flushed (below).
-- release ARGV: id, hasNonce, holdSeconds, shardChannel
--   The send was refused before it reached the broker: give the slot and the nonce back, leave the
--   in-flight set, flush.
-- unknown ARGV: id, hasNonce, messageJson, ttlSeconds, holdSeconds, shardChannel
--   The publish left but was not confirmed: the nonce keeps the message ('U:'), the rate slot stays
--   taken, the id leaves the in-flight set (the channel must not stall on it), flush.
-- flush   ARGV: holdSeconds, shardChannel
--   While the channel's earliest in-flight id is parked, SPUBLISH it and drop it; an earliest id older
--   than holdSeconds that is not parked was abandoned (its gateway died) and is dropped.
-- commit, release, unknown and flush return how many payloads of the channel are still parked.
--
-- Every message:created of a channel is SPUBLISHed by Redis itself, inside these atomic scripts, in id
-- order: every subscriber (every gateway) receives them in that order by construction.
--
-- A payload is either one adapter message for the channel's room (published on shardChannel), or a
-- bundle for a DM: NUL, then NUL-separated pairs <shard channel> NUL <adapter message> — the channel's
-- room and each recipient's user room (those exclude the channel's room, so each socket gets it once).
-- JSON never contains a raw NUL, so the separator cannot occur inside a part.
local step = ARGV[1]

local function publish(shardChannel, payload)
  if string.byte(payload, 1) ~= 0 then
    redis.call('SPUBLISH', shardChannel, payload)
    return
  end
  local parts = {}
  local pos = 2
  while true do
    local nxt = string.find(payload, '\0', pos, true)
    if not nxt then
      parts[#parts + 1] = string.sub(payload, pos)
      break
    end
    parts[#parts + 1] = string.sub(payload, pos, nxt - 1)
    pos = nxt + 1
  end
  for i = 1, #parts - 1, 2 do redis.call('SPUBLISH', parts[i], parts[i + 1]) end
end

local function flush(holdSeconds, shardChannel)
  local stale
  while true do
    local head = redis.call('ZRANGE', KEYS[4], 0, 0)[1]
    if not head then break end
    local payload = redis.call('HGET', KEYS[5], head)
    if payload then
      publish(shardChannel, payload)
      redis.call('HDEL', KEYS[5], head)
      redis.call('ZREM', KEYS[4], head)
    else
      if not stale then
        local t = redis.call('TIME')
        stale = string.format('%08x', math.max(0, tonumber(t[1]) - tonumber(holdSeconds))) .. '0000000000000000'
      end
      if head >= stale then break end
      redis.call('ZREM', KEYS[4], head)
    end
  end
  return redis.call('HLEN', KEYS[5])
end

-- Whether the nonce's value is the pending reservation of this id.
local function reserved(v, id)
  return v ~= false and string.sub(v, 1, 26) == 'P:' .. id
end

local function storeUnknown(id, json, ttl)
  local v = redis.call('GET', KEYS[2])
  if v == false or reserved(v, id) or string.sub(v, 1, 2) == 'R:' then
    redis.call('SET', KEYS[2], 'U:' .. json, 'EX', ttl)
  end
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
      local kind = string.sub(v, 1, 2)
      if kind == 'P:' then
        -- 'P:' .. 24-hex id .. ':' .. createdMs .. ':' .. deadline .. ':' .. draft
        local id = string.sub(v, 3, 26)
        local createdEnd = string.find(v, ':', 28, true)
        if not createdEnd then return {'pending'} end
        local deadlineEnd = string.find(v, ':', createdEnd + 1, true)
        if not deadlineEnd then return {'pending'} end
        local createdMs = string.sub(v, 28, createdEnd - 1)
        local deadline = tonumber(string.sub(v, createdEnd + 1, deadlineEnd - 1))
        local draft = string.sub(v, deadlineEnd + 1)
        if draft == '' or deadline > nowMs then return {'pending'} end
        local renewed = string.format('%.0f', nowMs + tonumber(ARGV[8]))
        redis.call('SET', KEYS[2], 'P:' .. id .. ':' .. createdMs .. ':' .. renewed .. ':' .. draft, 'PX', pendingTtl)
        return {'takeover', id, createdMs, draft}
      end
      if kind == 'U:' or kind == 'R:' then
        local json = string.sub(v, 3)
        if kind == 'R:' then
          local sep = string.find(json, ':', 1, true)
          if tonumber(string.sub(json, 1, sep - 1)) > nowMs then return {'pending'} end
          json = string.sub(json, sep + 1)
        end
        redis.call('SET', KEYS[2], 'R:' .. string.format('%.0f', nowMs + tonumber(pendingTtl)) .. ':' .. json, 'KEEPTTL')
        return {'republish', json}
      end
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
  if hasNonce then
    local nowStr = string.format('%.0f', nowMs)
    local deadline = string.format('%.0f', nowMs + tonumber(ARGV[8]))
    redis.call('SET', KEYS[2], 'P:' .. id .. ':' .. nowStr .. ':' .. deadline .. ':' .. ARGV[7], 'PX', pendingTtl)
  end
  redis.call('ZADD', KEYS[4], 0, id)
  redis.call('EXPIRE', KEYS[4], holdSeconds * 4)
  return {'ok', id, string.format('%.0f', nowMs)}
end

if step == 'commit' then
  local id = ARGV[2]
  if ARGV[3] == '1' then
    local v = redis.call('GET', KEYS[2])
    if v == false or reserved(v, id) or string.sub(v, 1, 2) == 'R:' or string.sub(v, 1, 2) == 'U:' then
      redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5])
    end
  end
  if not redis.call('ZSCORE', KEYS[4], id) then
    publish(ARGV[7], ARGV[8])
    return redis.call('HLEN', KEYS[5])
  end
  redis.call('HSET', KEYS[5], id, ARGV[8])
  redis.call('EXPIRE', KEYS[5], tonumber(ARGV[6]) * 4)
  return flush(ARGV[6], ARGV[7])
end

if step == 'release' then
  local id = ARGV[2]
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
  if ARGV[3] == '1' and reserved(redis.call('GET', KEYS[2]), id) then redis.call('DEL', KEYS[2]) end
  return flush(ARGV[4], ARGV[5])
end

if step == 'unknown' then
  local id = ARGV[2]
  if ARGV[3] == '1' then storeUnknown(id, ARGV[4], ARGV[5]) end
  redis.call('ZREM', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
  return flush(ARGV[6], ARGV[7])
end

if step == 'flush' then
  return flush(ARGV[2], ARGV[3])
end

return redis.error_reply('unknown send step')
