#!lua
--[[ restore-room: give the room an epoch — a new room, or one rebuilt after the store lost its
  data (a restart without persistence, a flush). Joins refuse a room without one (join.lua), so
  no number is handed out before the counters are back. With a checkpoint (the last counters
  the ticker saved in PostgreSQL), the counters are restored, never lowered: numbers already
  handed out stay behind the new ones, the cursor keeps admitted numbers from being handed
  out twice, and the rate budget starts empty (the checkout slots of admitted fans come back
  only as those fans do). Only the first caller restores; the rest get its epoch.
  KEYS[1] epoch  KEYS[2] cursor  KEYS[3] seq  KEYS[4] admitted  KEYS[5] phase  KEYS[6] bucket
  ARGV[1] new epoch  ARGV[2] 1 = checkpoint given  ARGV[3] servedUpTo  ARGV[4] lastNumber
  ARGV[5] admittedTotal  ARGV[6] phase  ARGV[7] nowMs
  returns {1 = made now | 0 = there already, epoch}
]]
local epoch = redis.call('GET', KEYS[1])
if epoch then return {0, epoch} end
if ARGV[2] == '1' then
  local function raise(key, value)
    if tonumber(redis.call('GET', key) or '0') < tonumber(value) then redis.call('SET', key, value) end
  end
  raise(KEYS[2], ARGV[3])
  raise(KEYS[3], ARGV[4])
  raise(KEYS[4], ARGV[5])
  if ARGV[6] == 'open' then redis.call('DEL', KEYS[5]) else redis.call('SET', KEYS[5], ARGV[6]) end
  redis.call('HSET', KEYS[6], 'tokenParts', 0, 'lastMs', ARGV[7])
end
redis.call('SET', KEYS[1], ARGV[1])
return {1, ARGV[1]}
