-- Presence (SPEC 11) in Redis: every transition is one atomic script call, and the script itself
-- SPUBLISHes each resulting `presence:updated` — to the presence room of each of the user's servers and
-- to each DM partner's user room — so every subscriber sees a user's changes in the order Redis made
-- them, whichever gateways made them. Keys (contracts: presence-keys.ts) are built from ARGV[2], the
-- key prefix `<REDIS_PREFIX>presence:` (one Redis node; on a Cluster they would need hash tags).
--
-- ARGV: [1] step  [2] key prefix  [3] shard-channel prefix (`<adapter prefix>#/#`)
--       [4] server event template (room presence:@S@, data {serverId:@S@, userId:@U@, status:@T@})
--       [5] partner event template (room user:@P@, data {userId:@U@, status:@T@})
--       [6...] the step's own arguments:
-- connect     user, gateway, serverId...   a socket connected on gateway; returns the shown status
-- disconnect  user, gateway                one of the user's sockets there is gone; returns the shown status
-- set         user, status                 the user chose a status; returns the shown status
-- join        user, serverId               the user became a member (announced if shown)
-- leave       user, serverId               the user is no longer a member (subscribers see offline)
-- heartbeat   gateway, leaseMs             renews the gateway's lease (Redis TIME + leaseMs)
-- sweep       (none)                       clears every gateway whose lease ran out; returns users gone offline
-- reset       gateway                      clears what a previous process with this gateway id left behind
-- snapshot    serverId                     flat list user, status... of the members shown as not offline
local step = ARGV[1]
local P = ARGV[2]
local CH = ARGV[3]
local SERVER_TPL = ARGV[4]
local PARTNER_TPL = ARGV[5]

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function shown(user)
  if redis.call('EXISTS', P .. 'conns:' .. user) == 0 then return 'offline' end
  local s = redis.call('GET', P .. 'status:' .. user)
  if s == 'invisible' then return 'offline' end
  if s == 'idle' or s == 'dnd' then return s end
  return 'online'
end

local function fill(tpl, marker, id, user, status)
  local out = string.gsub(tpl, marker, id)
  out = string.gsub(out, '@U@', user)
  out = string.gsub(out, '@T@', status)
  return out
end

local function announceTo(server, user, status)
  redis.call('SPUBLISH', CH .. 'presence:' .. server .. '#', fill(SERVER_TPL, '@S@', server, user, status))
end

local function announce(user, status)
  for _, server in ipairs(redis.call('SMEMBERS', P .. 'servers:' .. user)) do
    if status == 'offline' then redis.call('SREM', P .. 'online:' .. server, user)
    else redis.call('SADD', P .. 'online:' .. server, user) end
    announceTo(server, user, status)
  end
  for _, partner in ipairs(redis.call('SMEMBERS', P .. 'partners:' .. user)) do
    redis.call('SPUBLISH', CH .. 'user:' .. partner .. '#', fill(PARTNER_TPL, '@P@', partner, user, status))
  end
end

-- Announces the change from `before` (if any) and forgets an offline user's servers.
local function settle(user, before)
  local after = shown(user)
  if after ~= before then announce(user, after) end
  if redis.call('EXISTS', P .. 'conns:' .. user) == 0 then redis.call('DEL', P .. 'servers:' .. user) end
  return after
end

local function clearGateway(gateway)
  local gone = 0
  local key = P .. 'gw:' .. gateway
  for _, user in ipairs(redis.call('SMEMBERS', key)) do
    local before = shown(user)
    redis.call('HDEL', P .. 'conns:' .. user, gateway)
    if settle(user, before) == 'offline' and before ~= 'offline' then gone = gone + 1 end
  end
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'gateways', gateway)
  return gone
end

if step == 'connect' then
  local user, gateway = ARGV[6], ARGV[7]
  local before = shown(user)
  for i = 8, #ARGV do redis.call('SADD', P .. 'servers:' .. user, ARGV[i]) end
  redis.call('HINCRBY', P .. 'conns:' .. user, gateway, 1)
  redis.call('SADD', P .. 'gw:' .. gateway, user)
  local after = settle(user, before)
  -- Already shown before: still make sure the servers named now list the user (a server joined meanwhile).
  if after ~= 'offline' and after == before then
    for i = 8, #ARGV do redis.call('SADD', P .. 'online:' .. ARGV[i], user) end
  end
  return after
end

if step == 'disconnect' then
  local user, gateway = ARGV[6], ARGV[7]
  local before = shown(user)
  if redis.call('HINCRBY', P .. 'conns:' .. user, gateway, -1) <= 0 then
    redis.call('HDEL', P .. 'conns:' .. user, gateway)
    redis.call('SREM', P .. 'gw:' .. gateway, user)
  end
  return settle(user, before)
end

if step == 'set' then
  local user, status = ARGV[6], ARGV[7]
  local before = shown(user)
  if status == 'online' then redis.call('DEL', P .. 'status:' .. user)
  else redis.call('SET', P .. 'status:' .. user, status) end
  return settle(user, before)
end

if step == 'join' then
  local user, server = ARGV[6], ARGV[7]
  if redis.call('EXISTS', P .. 'conns:' .. user) == 0 then return 'offline' end
  redis.call('SADD', P .. 'servers:' .. user, server)
  local status = shown(user)
  if status ~= 'offline' then
    redis.call('SADD', P .. 'online:' .. server, user)
    announceTo(server, user, status)
  end
  return status
end

if step == 'leave' then
  local user, server = ARGV[6], ARGV[7]
  redis.call('SREM', P .. 'servers:' .. user, server)
  if redis.call('SREM', P .. 'online:' .. server, user) == 1 then announceTo(server, user, 'offline') end
  return 'offline'
end

if step == 'heartbeat' then
  redis.call('ZADD', P .. 'gateways', nowMs() + tonumber(ARGV[7]), ARGV[6])
  return 1
end

if step == 'sweep' then
  local gone = 0
  for _, gateway in ipairs(redis.call('ZRANGEBYSCORE', P .. 'gateways', '-inf', nowMs(), 'LIMIT', 0, 10)) do
    gone = gone + clearGateway(gateway)
  end
  return gone
end

if step == 'reset' then
  return clearGateway(ARGV[6])
end

if step == 'snapshot' then
  local out = {}
  local key = P .. 'online:' .. ARGV[6]
  for _, user in ipairs(redis.call('SMEMBERS', key)) do
    local status = shown(user)
    if status == 'offline' then redis.call('SREM', key, user)
    else
      out[#out + 1] = user
      out[#out + 1] = status
    end
  end
  return out
end

return redis.error_reply('unknown presence step')
