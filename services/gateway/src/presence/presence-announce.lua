-- Presence, a target's half: records what one target (a server's presence room, or a DM partner) was
-- last told about one user, and SPUBLISHes the change to the target's room — on the target's slot
-- (its HASH and its room's shard channel share the target's hash tag). A change older than the one the
-- target already has (two gateways announcing the same user's changes at once) is dropped, so the
-- target ends with the user's latest status whatever order the announcements arrive in.
--
-- KEYS: [1] the target's HASH user -> '<version>:<status>' (`online:{<server>}` or `seen:{<partner>}`)
-- ARGV: [1] user  [2] version  [3] status  [4] publish ('1', or '0' to only record)  [5] shard channel
--       [6] the adapter message (presence:updated)
-- Returns 1 when it published: the user's change is new to this target (a target with no entry yet, e.g.
-- a DM partner recorded after the user came online, is told every change).
local current = redis.call('HGET', KEYS[1], ARGV[1])
local previous = nil
if current then
  local sep = string.find(current, ':', 1, true)
  if tonumber(string.sub(current, 1, sep - 1)) > tonumber(ARGV[2]) then return 0 end
  previous = string.sub(current, sep + 1)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
if ARGV[4] == '1' and previous ~= ARGV[3] then
  redis.call('SPUBLISH', ARGV[5], ARGV[6])
  return 1
end
return 0
