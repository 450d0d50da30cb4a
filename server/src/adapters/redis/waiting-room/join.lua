#!lua
--[[ join: put a fan in line, idempotently — a fan already in line (any tab, any node, any time)
  gets the same state and number back; everyone else joins at the back.
  KEYS[1] phase  KEYS[2] seq  KEYS[3] q  KEYS[4] pre  KEYS[5] preseq  KEYS[6] active
  KEYS[7] this fan's hash  KEYS[8] epoch
  ARGV[1] fanId  ARGV[2] nowMs
  returns {state, queueNumber (0 = none yet), jti ('' = none), expiresAtMs (0 = none), epoch}
          state: pre_queue | waiting | admitted | no_room (the room has no epoch: it was never
          made, or the store lost it — the caller rebuilds it from its checkpoint, then joins)
]]
local fan, nowMs = ARGV[1], tonumber(ARGV[2])
local epoch = redis.call('GET', KEYS[8])
if not epoch then return {'no_room', 0, '', 0, ''} end
local h = redis.call('HMGET', KEYS[7], 'state', 'number', 'jti', 'expiresAt')
local state = h[1]
if state == 'waiting' then return {'waiting', tonumber(h[2]), '', 0, epoch} end
if state == 'pre_queue' then return {'pre_queue', 0, '', 0, epoch} end
if state == 'admitted' then
  if tonumber(h[4]) > nowMs then return {'admitted', tonumber(h[2]), h[3], tonumber(h[4]), epoch} end
  -- The slot ran out before a tick dropped it: free it here, the fan queues again at the back.
  redis.call('ZREM', KEYS[6], fan)
end

-- New in line (or back after leaving, or after an admission ended): a fresh place at the back.
redis.call('DEL', KEYS[7])
local phase = redis.call('GET', KEYS[1]) or 'open'
if phase == 'open' then
  local number = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[3], number, fan)
  redis.call('HSET', KEYS[7], 'state', 'waiting', 'number', number, 'joinedAt', ARGV[2])
  return {'waiting', number, '', 0, epoch}
end
-- pre or opening: numbers are handed out by the opening, in its order, then to latecomers.
redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[5]), fan)
redis.call('HSET', KEYS[7], 'state', 'pre_queue', 'joinedAt', ARGV[2])
return {'pre_queue', 0, '', 0, epoch}
