#!lua flags=no-writes
--[[ place: where a waiting fan stands, read at one instant with the counters the room's pushes
  carry, so a client can keep the place current from them (see shared/src/core/admission.ts):
  it moves up one for each admission after admittedTotal and for each departure ahead after
  departedSeq.
  KEYS[1] q  KEYS[2] admitted  KEYS[3] departedseq
  ARGV[1] fanId
  returns {position (1 = next; 0 = not waiting with a number), admittedTotal, departedSeq}
]]
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
local position = 0
if rank then position = rank + 1 end
return {
  position,
  tonumber(redis.call('GET', KEYS[2]) or '0'),
  tonumber(redis.call('GET', KEYS[3]) or '0'),
}
