-- Presence (SPEC 11), a user's half: every transition of one user is one atomic script call on the
-- user's slot (Redis Cluster: all its keys carry the user's hash tag `{<userId>}`). It decides the shown
-- status and says whom to tell; the gateway then runs presence-announce.lua on each target's slot
-- (a server's, a DM partner's), which publishes the change unless that target already saw a newer one.
--
-- KEYS: [1] conns HASH gateway -> sockets  [2] status STRING chosen  [3] servers SET  [4] partners SET
--       [5] version (INCR per announced change: targets drop anything older than what they saw)
-- ARGV: [1] step, then the step's own arguments:
-- connect     gateway, serverId...  a socket connected on gateway
-- disconnect  gateway               one of the user's sockets there is gone
-- clear       gateway               the gateway is gone (sweep, reset): all its sockets of the user
-- set         status                the user chose a status
-- join        serverId              the user became a member (announced there if shown)
-- leave       serverId              the user is no longer a member (that server sees offline)
-- Reply: {shown, version, mode, gatewayEmpty, nServers, serverId..., partnerId...}
--   mode 'announce': tell the servers and partners listed (version, shown); 'sync': only record shown
--   for the servers listed (no event: nothing changed); 'none'. gatewayEmpty '1': the user has no
--   socket left on that gateway (it may leave the gateway's set).
local step = ARGV[1]

local function shown()
  if redis.call('EXISTS', KEYS[1]) == 0 then return 'offline' end
  local s = redis.call('GET', KEYS[2])
  if s == 'invisible' then return 'offline' end
  if s == 'idle' or s == 'dnd' then return s end
  return 'online'
end

local function reply(status, version, mode, gatewayEmpty, servers, partners)
  local out = {status, version, mode, gatewayEmpty, #servers}
  for _, s in ipairs(servers) do out[#out + 1] = s end
  for _, p in ipairs(partners) do out[#out + 1] = p end
  return out
end

-- Announces the change from `before` (if any) to every server and partner, and forgets an offline
-- user's servers.
local function settle(before, gatewayEmpty, named)
  local after = shown()
  local out
  if after ~= before then
    out = reply(after, redis.call('INCR', KEYS[5]), 'announce', gatewayEmpty, redis.call('SMEMBERS', KEYS[3]), redis.call('SMEMBERS', KEYS[4]))
  elseif after ~= 'offline' and named and #named > 0 then
    -- Already shown before: still make sure the servers named now list the user (one joined meanwhile).
    out = reply(after, tonumber(redis.call('GET', KEYS[5]) or '0'), 'sync', gatewayEmpty, named, {})
  else
    out = reply(after, 0, 'none', gatewayEmpty, {}, {})
  end
  if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[3]) end
  return out
end

if step == 'connect' then
  local before = shown()
  local named = {}
  for i = 3, #ARGV do
    redis.call('SADD', KEYS[3], ARGV[i])
    named[#named + 1] = ARGV[i]
  end
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  return settle(before, '0', named)
end

if step == 'disconnect' or step == 'clear' then
  local before = shown()
  local empty = '1'
  if step == 'clear' or redis.call('HINCRBY', KEYS[1], ARGV[2], -1) <= 0 then
    redis.call('HDEL', KEYS[1], ARGV[2])
  else
    empty = '0'
  end
  return settle(before, empty, nil)
end

if step == 'set' then
  local before = shown()
  if ARGV[2] == 'online' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2]) end
  return settle(before, '0', nil)
end

if step == 'join' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return reply('offline', 0, 'none', '0', {}, {}) end
  redis.call('SADD', KEYS[3], ARGV[2])
  local status = shown()
  if status == 'offline' then return reply(status, 0, 'none', '0', {}, {}) end
  return reply(status, redis.call('INCR', KEYS[5]), 'announce', '0', {ARGV[2]}, {})
end

if step == 'leave' then
  redis.call('SREM', KEYS[3], ARGV[2])
  return reply('offline', redis.call('INCR', KEYS[5]), 'announce', '0', {ARGV[2]}, {})
end

return redis.error_reply('unknown presence step')
