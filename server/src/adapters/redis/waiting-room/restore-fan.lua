#!lua
--[[ restore-fan: after the store lost the room, give a fan back what their signed proof says —
  an admission (until it runs out) or their queue number (if still ahead of the cursor). Only
  for a fan the rebuilt room does not know: any hash, even a tombstone (left), wins, so a fan who
  left or whose admission ended in this incarnation gets nothing back.
  KEYS[1] this fan's hash  KEYS[2] q  KEYS[3] active  KEYS[4] cursor  KEYS[5] seq  KEYS[6] phase
  KEYS[7] epoch
  ARGV[1] fanId  ARGV[2] admitted | waiting  ARGV[3] queue number (0 = unknown)  ARGV[4] jti
  ARGV[5] admission expiresAtMs  ARGV[6] nowMs
  returns restored | exists | stale (nothing to give back) | no_room
]]
if not redis.call('GET', KEYS[7]) then return 'no_room' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
local fan, number = ARGV[1], tonumber(ARGV[3])
if ARGV[2] == 'admitted' then
  if tonumber(ARGV[5]) <= tonumber(ARGV[6]) then return 'stale' end
  redis.call('HSET', KEYS[1], 'state', 'admitted', 'number', number, 'joinedAt', ARGV[6], 'jti', ARGV[4], 'expiresAt', ARGV[5])
  redis.call('ZADD', KEYS[3], ARGV[5], fan)
  return 'restored'
end
-- A number at or below the cursor was admitted already; during a pre-queue opening numbers are
-- still being handed out in the opening's order. Either way the fan joins as anyone would.
if (redis.call('GET', KEYS[6]) or 'open') ~= 'open' then return 'stale' end
if number <= tonumber(redis.call('GET', KEYS[4]) or '0') then return 'stale' end
redis.call('ZADD', KEYS[2], number, fan)
redis.call('HSET', KEYS[1], 'state', 'waiting', 'number', number, 'joinedAt', ARGV[6])
if tonumber(redis.call('GET', KEYS[5]) or '0') < number then redis.call('SET', KEYS[5], number) end
return 'restored'
