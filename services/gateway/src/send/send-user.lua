-- The user's half of the send path (Redis Cluster: every key of one call is in one slot, so the send
-- path is two scripts — this one on the user's slot, send-channel.lua on the channel's). KEYS, both
-- tagged with the user id (`{<userId>}`):
--   [1] the user's rate ZSET (member: the send's ticket, score: Redis time ms)
--   [2] the user's nonce key
-- A ticket is a random token the gateway makes per send (the id is only known after send-channel.lua).
--
-- Nonce key values: 'P:<ticket>:<takeover deadline ms>' (admitted, id not assigned yet),
-- 'P:<ticket>:<takeover deadline ms>:<id>:<createdMs>:<draft json>' (bound: id assigned, outcome not
-- known yet; the draft is the message without id and createdAt, so a retry can rebuild the very same
-- message if the admitting gateway died: see 'takeover'), both NONCE_PENDING_TTL_MS; 'U:<message json>'
-- (published but the confirm never came: unknown; the retry republishes it), 'R:<deadline ms>:<message
-- json>' (a retry is republishing it; another retry may take over after the deadline), '<message json>'
-- (durable: a repeat replays it).
--
-- admit   ARGV: limit, windowMs, pendingTtlMs, hasNonce('1'|'0'), ticket, takeoverMs
--   {'duplicate', <message json>}  the nonce's message is durable: replay it
--   {'pending'}                    a send with this nonce is in flight (any gateway)
--   {'takeover', <id>, <createdMs>, <draft json>}  a bound reservation older than its deadline that
--                                  nobody settled (its gateway died, perhaps after the publish left):
--                                  rebuild that message and publish it again (same id; history keeps
--                                  one). The reservation now belongs to this ticket, deadline renewed.
--   {'republish', <message json>}  the nonce's message has an unknown outcome: publish it again (same id)
--   {'limited', <retryAfterMs>}    the rolling window is full; nothing was recorded
--   {'ok'}                         admitted: slot taken (the ticket), nonce reserved ('P:<ticket>:<deadline>').
--                                  An unbound reservation past its deadline never reached the broker
--                                  (publishing waits for 'bind'): it is replaced like no reservation.
-- bind    ARGV: ticket, id, createdMs, takeoverMs, pendingTtlMs, draftJson   after send-channel.lua gave
--   the id, before the publish: the reservation keeps id, createdAt and draft, deadline from now.
--   Returns 1, or 0 if the reservation is no longer this ticket's (the send must not be published).
-- commit  ARGV: ticket, hasNonce, messageJson, ttlSeconds, id   the message is durable: the nonce replays it
-- release ARGV: ticket, hasNonce                                refused before the broker: slot and nonce back
-- unknown ARGV: ticket, hasNonce, messageJson, ttlSeconds, id   the publish left, no confirm: 'U:<message>'
local step = ARGV[1]

-- A 'P:' value split: ticket, deadline, and for a bound one id, createdMs, draft (nil when unbound).
local function pendingParts(v)
  local ticketEnd = string.find(v, ':', 3, true)
  if not ticketEnd then return string.sub(v, 3), 0 end
  local ticket = string.sub(v, 3, ticketEnd - 1)
  local deadlineEnd = string.find(v, ':', ticketEnd + 1, true)
  if not deadlineEnd then return ticket, tonumber(string.sub(v, ticketEnd + 1)) or 0 end
  local deadline = tonumber(string.sub(v, ticketEnd + 1, deadlineEnd - 1)) or 0
  local idEnd = string.find(v, ':', deadlineEnd + 1, true)
  if not idEnd then return ticket, deadline end
  local createdEnd = string.find(v, ':', idEnd + 1, true)
  if not createdEnd then return ticket, deadline end
  return ticket, deadline, string.sub(v, deadlineEnd + 1, idEnd - 1), string.sub(v, idEnd + 1, createdEnd - 1), string.sub(v, createdEnd + 1)
end

-- Whether v is the pending reservation of this ticket.
local function reservedBy(v, ticket)
  if v == false or string.sub(v, 1, 2) ~= 'P:' then return false end
  local t = pendingParts(v)
  return t == ticket
end

if step == 'admit' then
  local limit = tonumber(ARGV[2])
  local window = tonumber(ARGV[3])
  local pendingTtl = ARGV[4]
  local hasNonce = ARGV[5] == '1'
  local ticket = ARGV[6]
  local takeoverMs = tonumber(ARGV[7])
  local t = redis.call('TIME')
  local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

  if hasNonce then
    local v = redis.call('GET', KEYS[2])
    if v and string.sub(v, 1, 2) == 'P:' then
      local _, deadline, id, createdMs, draft = pendingParts(v)
      if deadline > nowMs then return {'pending'} end
      if id then
        if draft == '' then return {'pending'} end
        local renewed = string.format('%.0f', nowMs + takeoverMs)
        redis.call('SET', KEYS[2], 'P:' .. ticket .. ':' .. renewed .. ':' .. id .. ':' .. createdMs .. ':' .. draft, 'PX', pendingTtl)
        return {'takeover', id, createdMs, draft}
      end
      -- Unbound and past its deadline: that send was never published; admit this one instead.
      v = false
    end
    if v then
      local kind = string.sub(v, 1, 2)
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
  if hasNonce then
    redis.call('SET', KEYS[2], 'P:' .. ticket .. ':' .. string.format('%.0f', nowMs + takeoverMs), 'PX', pendingTtl)
  end
  return {'ok'}
end

if step == 'bind' then
  if not reservedBy(redis.call('GET', KEYS[2]), ARGV[2]) then return 0 end
  local t = redis.call('TIME')
  local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local deadline = string.format('%.0f', nowMs + tonumber(ARGV[5]))
  redis.call('SET', KEYS[2], 'P:' .. ARGV[2] .. ':' .. deadline .. ':' .. ARGV[3] .. ':' .. ARGV[4] .. ':' .. ARGV[7], 'PX', ARGV[6])
  return 1
end

-- Whether the nonce may take the message: still this send's reservation (its ticket's, or bound to its
-- id: the admitting gateway settling after a takeover), gone, or a republish's.
local function ours(ticket, id)
  local v = redis.call('GET', KEYS[2])
  if v == false or string.sub(v, 1, 2) == 'R:' or string.sub(v, 1, 2) == 'U:' then return true end
  if string.sub(v, 1, 2) ~= 'P:' then return false end
  local t, _, boundId = pendingParts(v)
  return t == ticket or (boundId ~= nil and boundId == id)
end

if step == 'commit' then
  if ARGV[3] == '1' and ours(ARGV[2], ARGV[6]) then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5]) end
  return 1
end

if step == 'release' then
  redis.call('ZREM', KEYS[1], ARGV[2])
  if ARGV[3] == '1' and reservedBy(redis.call('GET', KEYS[2]), ARGV[2]) then redis.call('DEL', KEYS[2]) end
  return 1
end

if step == 'unknown' then
  if ARGV[3] == '1' then
    local v = redis.call('GET', KEYS[2])
    if string.sub(v or '', 1, 2) ~= 'U:' and ours(ARGV[2], ARGV[6]) then
      redis.call('SET', KEYS[2], 'U:' .. ARGV[4], 'EX', ARGV[5])
    end
  end
  return 1
end

return redis.error_reply('unknown send step')
