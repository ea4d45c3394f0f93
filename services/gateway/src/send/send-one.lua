-- One Redis (no Cluster): a send step's two halves in one script call, one round trip. The gateway
-- loads this file after send-user.lua and send-channel.lua, each wrapped as a local function
-- `userStep(KEYS, ARGV)` / `channelStep(KEYS, ARGV)` (redis-script.ts `loadComposedScript`), so the
-- halves' logic exists once and a Cluster runs the very same halves as two calls (admission.ts).
-- KEYS: send-user.lua's two (rate, nonce), then send-channel.lua's three (clock, in-flight, parked).
--
-- admit  ARGV: 'admit', nUser, <send-user.lua admit ARGV, nUser of them>, nChannel,
--              <send-channel.lua assign ARGV, nChannel of them>, [ticket, takeoverMs, pendingTtlMs, draftJson]
--   The user half first; anything but {'ok'} is returned as it is (duplicate, pending, limited, ...).
--   Then the channel half assigns the id and, when bind ARGV follow (a nonce), the user's reservation is
--   bound to it in the same atomic call — no window in which a bind could find the reservation gone.
--   {'ok', <id>, <nowMs>}
-- pair   ARGV: 'pair', nUser (0: no user half), <send-user.lua ARGV>, nChannel, <send-channel.lua ARGV>
--   commit / release / unknown: the user half (if any), then the channel half, whose reply is returned.
local op = ARGV[1]
local userKeys = {KEYS[1], KEYS[2]}
local channelKeys = {KEYS[3], KEYS[4], KEYS[5]}

local pos = 2
local function take()
  local n = tonumber(ARGV[pos])
  local out = {}
  for i = 1, n do out[i] = ARGV[pos + i] end
  pos = pos + n + 1
  return out, n
end

local userArgs, nUser = take()
local channelArgs = take()

if op == 'admit' then
  local admitted = userStep(userKeys, userArgs)
  if admitted[1] ~= 'ok' then return admitted end
  local assigned = channelStep(channelKeys, channelArgs)
  if ARGV[pos] then
    local bound = userStep(userKeys, {'bind', ARGV[pos], assigned[1], assigned[2], ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3]})
    if bound ~= 1 then return redis.error_reply('send-one: the reservation just made could not be bound') end
  end
  return {'ok', assigned[1], assigned[2]}
end

if op == 'pair' then
  if nUser > 0 then userStep(userKeys, userArgs) end
  return channelStep(channelKeys, channelArgs)
end

return redis.error_reply('unknown send-one step')
