-- The channel's half of the send path: its ids and its broadcast order. Every step is one atomic script
-- call on the channel's slot (Redis Cluster). KEYS, all in the channel's slot:
--   [1] the slot's id clock (HASH sec, seq): one per hash slot, not per fleet, so ids are unique across
--       the fleet (the slot is in the id) and strictly increase within a channel (SPEC 1 asks no more)
--   [2] the channel's in-flight ZSET (admitted ids not yet broadcast or failed; all score 0, so
--       lexical order is id order)  [3] the channel's parked HASH (id -> broadcast payload)
-- The shard channel of the channel's room (`...#channel:{<id>}#`) is in the same slot (same hash tag).
--
-- assign  ARGV: holdSeconds, slot (0..16383)
--   {<24-hex id>, <nowMs>}  8 hex of seconds from Redis TIME (never going backwards for this slot's
--   clock) + 4 hex of the slot + 12 hex of the slot's sequence; the id joins the in-flight set
-- commit  ARGV: id, holdSeconds, shardChannel, payload, splitRemote('1'|'0')
--   The message is durable (confirmed). An id that is no longer in flight (a republish, or one dropped
--   as abandoned) is SPUBLISHed at once; otherwise its payload is parked and the channel is flushed.
-- release ARGV: id, holdSeconds, shardChannel, splitRemote   refused before the broker: leave, flush
-- unknown ARGV: id, holdSeconds, shardChannel, splitRemote   no confirm: leave (never stall on it), flush
-- flush   ARGV: holdSeconds, shardChannel, splitRemote
--   While the channel's earliest in-flight id is parked, SPUBLISH it and drop it; an earliest id older
--   than holdSeconds that is not parked was abandoned (its gateway died) and is dropped.
-- commit, release, unknown and flush return {parked, [remoteChannel, remotePayload]...}: how many payloads
-- of the channel are still parked, then the parts the gateway must SPUBLISH itself, in this order.
--
-- A payload is either one adapter message for the channel's room (published on shardChannel), or a
-- bundle for a DM: NUL, then NUL-separated pairs <shard channel> NUL <adapter message> — the channel's
-- room and each recipient's user room (those exclude the channel's room, so each socket gets it once).
-- JSON never contains a raw NUL, so the separator cannot occur inside a part. On one Redis node every
-- part is published here, atomically. On a Cluster (splitRemote = '1') a script may only publish to
-- shard channels of its own slot: the parts for other rooms (a recipient's `user:{<id>}`) are returned,
-- in id order, and the calling gateway publishes them right after (gateway README, "Redis Cluster").
local step = ARGV[1]
local remote = {}

local function publish(shardChannel, payload, split)
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
  for i = 1, #parts - 1, 2 do
    if split and parts[i] ~= shardChannel then
      remote[#remote + 1] = parts[i]
      remote[#remote + 1] = parts[i + 1]
    else
      redis.call('SPUBLISH', parts[i], parts[i + 1])
    end
  end
end

local function reply(parked)
  local out = {parked}
  for i = 1, #remote do out[#out + 1] = remote[i] end
  return out
end

local function flush(holdSeconds, shardChannel, split)
  local stale
  while true do
    local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
    if not head then break end
    local payload = redis.call('HGET', KEYS[3], head)
    if payload then
      publish(shardChannel, payload, split)
      redis.call('HDEL', KEYS[3], head)
      redis.call('ZREM', KEYS[2], head)
    else
      if not stale then
        local t = redis.call('TIME')
        stale = string.format('%08x', math.max(0, tonumber(t[1]) - tonumber(holdSeconds))) .. '0000000000000000'
      end
      if head >= stale then break end
      redis.call('ZREM', KEYS[2], head)
    end
  end
  return reply(redis.call('HLEN', KEYS[3]))
end

if step == 'assign' then
  local holdSeconds = tonumber(ARGV[2])
  local slot = tonumber(ARGV[3])
  local t = redis.call('TIME')
  local sec = tonumber(t[1])
  local nowMs = sec * 1000 + math.floor(tonumber(t[2]) / 1000)
  local idSec = sec
  local lastSec = tonumber(redis.call('HGET', KEYS[1], 'sec') or '0')
  if lastSec > idSec then idSec = lastSec else redis.call('HSET', KEYS[1], 'sec', idSec) end
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  local hi = math.floor(seq / 16777216)
  local lo = seq - hi * 16777216
  local id = string.format('%08x%04x%06x%06x', idSec, slot, hi, lo)
  redis.call('ZADD', KEYS[2], 0, id)
  redis.call('EXPIRE', KEYS[2], holdSeconds * 4)
  return {id, string.format('%.0f', nowMs)}
end

if step == 'commit' then
  local id, holdSeconds, shardChannel, payload = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
  local split = ARGV[6] == '1'
  if not redis.call('ZSCORE', KEYS[2], id) then
    publish(shardChannel, payload, split)
    return reply(redis.call('HLEN', KEYS[3]))
  end
  redis.call('HSET', KEYS[3], id, payload)
  redis.call('EXPIRE', KEYS[3], tonumber(holdSeconds) * 4)
  return flush(holdSeconds, shardChannel, split)
end

if step == 'release' or step == 'unknown' then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('HDEL', KEYS[3], ARGV[2])
  return flush(ARGV[3], ARGV[4], ARGV[5] == '1')
end

if step == 'flush' then
  return flush(ARGV[2], ARGV[3], ARGV[4] == '1')
end

return redis.error_reply('unknown send step')
