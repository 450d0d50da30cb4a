--[[ leave: take a fan out of line — out of the queue or pre-queue, and out of their checkout
  slot if admitted, so the next fan can have it. Admission never waits for the departed.
  KEYS[1] q  KEYS[2] pre  KEYS[3] active  KEYS[4] away  KEYS[5] this fan's hash
  ARGV[1] fanId
  returns 1 when the fan was waiting, pre-queued or holding a slot; 0 otherwise
]]
local fan = ARGV[1]
local was = redis.call('ZREM', KEYS[1], fan) + redis.call('ZREM', KEYS[2], fan) + redis.call('ZREM', KEYS[3], fan)
redis.call('ZREM', KEYS[4], fan)
redis.call('DEL', KEYS[5])
if was > 0 then return 1 end
return 0
