#!lua
--[[ release: end an admission and free its checkout slot (order paid, admission given back).
  Only the admission named by jti is ended: a late or repeated release carrying an older jti
  never frees the slot of the fan's newer admission, nor anyone else's.
  KEYS[1] active  KEYS[2] this fan's hash
  ARGV[1] fanId  ARGV[2] jti
  returns 1 when this admission held a slot and now does not; 0 otherwise
]]
local h = redis.call('HMGET', KEYS[2], 'state', 'jti')
if h[1] ~= 'admitted' or h[2] ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'state', 'admission_ended')
return 1
