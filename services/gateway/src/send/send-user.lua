-- The user's half of the send path (Redis Cluster: every key of one call is in one slot, so the send
-- path is two scripts — this one on the user's slot, send-channel.lua on the channel's). KEYS, both
-- tagged with the user id (`{<userId>}`):
--   [1] the user's rate ZSET (member: the send's ticket, score: Redis time ms)
--   [2] the user's nonce key
-- A ticket is a random token the gateway makes per send (the id is only known after send-channel.lua).
--
-- Nonce key values: 'P:<ticket>' (admitted, outcome not known yet, NONCE_PENDING_TTL_MS), 'U:<message
-- json>' (published but the confirm never came: unknown; the retry republishes it), 'R:<deadline ms>:
-- <message json>' (a retry is republishing it; another retry may take over after the deadline),
-- '<message json>' (durable: a repeat replays it).
--
-- admit   ARGV: limit, windowMs, pendingTtlMs, hasNonce('1'|'0'), ticket
--   {'duplicate', <message json>}  the nonce's message is durable: replay it
--   {'pending'}                    a send with this nonce is in flight (any gateway)
--   {'republish', <message json>}  the nonce's message has an unknown outcome: publish it again (same id)
--   {'limited', <retryAfterMs>}    the rolling window is full; nothing was recorded
--   {'ok'}                         admitted: slot taken (the ticket), nonce reserved ('P:<ticket>')
-- commit  ARGV: ticket, hasNonce, messageJson, ttlSeconds    the message is durable: the nonce replays it
-- release ARGV: ticket, hasNonce                             refused before the broker: slot and nonce back
-- unknown ARGV: ticket, hasNonce, messageJson, ttlSeconds    the publish left, no confirm: 'U:<message>'
local step = ARGV[1]

if step == 'admit' then
  local limit = tonumber(ARGV[2])
  local window = tonumber(ARGV[3])
  local pendingTtl = ARGV[4]
  local hasNonce = ARGV[5] == '1'
  local ticket = ARGV[6]
  local t = redis.call('TIME')
  local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

  if hasNonce then
    local v = redis.call('GET', KEYS[2])
    if v then
      local kind = string.sub(v, 1, 2)
      if kind == 'P:' then return {'pending'} end
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

  redis.call('ZADD', KEYS[1], nowMs, ticket)
  redis.call('PEXPIRE', KEYS[1], window)
  if hasNonce then redis.call('SET', KEYS[2], 'P:' .. ticket, 'PX', pendingTtl) end
  return {'ok'}
end

-- Whether the nonce may take the message: still this send's reservation, gone, or a republish's.
local function ours(ticket)
  local v = redis.call('GET', KEYS[2])
  return v == false or v == 'P:' .. ticket or string.sub(v, 1, 2) == 'R:' or string.sub(v, 1, 2) == 'U:'
end

if step == 'commit' then
  if ARGV[3] == '1' and ours(ARGV[2]) then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5]) end
  return 1
end

if step == 'release' then
  redis.call('ZREM', KEYS[1], ARGV[2])
  if ARGV[3] == '1' and redis.call('GET', KEYS[2]) == 'P:' .. ARGV[2] then redis.call('DEL', KEYS[2]) end
  return 1
end

if step == 'unknown' then
  if ARGV[3] == '1' then
    local v = redis.call('GET', KEYS[2])
    if v == false or v == 'P:' .. ARGV[2] or string.sub(v, 1, 2) == 'R:' then
      redis.call('SET', KEYS[2], 'U:' .. ARGV[4], 'EX', ARGV[5])
    end
  end
  return 1
end

return redis.error_reply('unknown send step')
