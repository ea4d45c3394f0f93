-- Presence, the targets' half: records what each target (a server's presence room, or a DM partner) was
-- last told about one user, and SPUBLISHes the change to the target's room. A target's HASH and its room's
-- shard channel share the target's hash tag; on a Redis Cluster one call names targets of one slot only
-- (the gateway groups them by slot), on one Redis one call names them all. A change older than the one a
-- target already has (two gateways announcing the same user's changes at once) is dropped there, so every
-- target ends with the user's latest status whatever order the announcements arrive in.
--
-- KEYS: each target's HASH user -> '<version>:<status>' (`online:{<server>}` or `seen:{<partner>}`)
-- ARGV: [1] user  [2] version  [3] status  [4] publish ('1', or '0' to only record), then per target
--       (in KEYS order): shard channel, adapter message (presence:updated)
-- Returns how many targets it published to: those to which the change is new (a target with no entry
-- yet, e.g. a DM partner recorded after the user came online, is told every change).
local user, version, status, publish = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4] == '1'
local published = 0
for i, key in ipairs(KEYS) do
  local current = redis.call('HGET', key, user)
  local previous = nil
  local stale = false
  if current then
    local sep = string.find(current, ':', 1, true)
    stale = tonumber(string.sub(current, 1, sep - 1)) > version
    previous = string.sub(current, sep + 1)
  end
  if not stale then
    redis.call('HSET', key, user, ARGV[2] .. ':' .. status)
    if publish and previous ~= status then
      redis.call('SPUBLISH', ARGV[3 + 2 * i], ARGV[4 + 2 * i])
      published = published + 1
    end
  end
end
return published
