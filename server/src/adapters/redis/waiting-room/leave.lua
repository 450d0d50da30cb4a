#!lua
--[[ leave: take a fan out of line — out of the queue or pre-queue, and out of their checkout
  slot if admitted, so the next fan can have it. Admission never waits for the departed.
  A fan who leaves while waiting with a number is recorded as a departure (its number, and one
  more on the departure counter), so the next tick tells the fans behind that they moved up.
  KEYS[1] q  KEYS[2] pre  KEYS[3] active  KEYS[4] away  KEYS[5] this fan's hash
  KEYS[6] departed  KEYS[7] departedseq
  ARGV[1] fanId
  The fan's hash stays as a tombstone (state left): a missing hash means the store lost the room,
  which is when a fan's signed place or admission may be restored (restore-fan.lua).
  returns 1 when the fan was waiting, pre-queued or holding a slot; 0 otherwise
]]
local fan = ARGV[1]
local number = redis.call('ZSCORE', KEYS[1], fan)
local waiting = redis.call('ZREM', KEYS[1], fan)
local was = waiting + redis.call('ZREM', KEYS[2], fan) + redis.call('ZREM', KEYS[3], fan)
redis.call('ZREM', KEYS[4], fan)
redis.call('DEL', KEYS[5])
redis.call('HSET', KEYS[5], 'state', 'left')
if waiting == 1 then
  redis.call('INCR', KEYS[7])
  redis.call('RPUSH', KEYS[6], number)
end
if was > 0 then return 1 end
return 0
