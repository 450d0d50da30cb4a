#!lua
--[[ take-departures: the queue numbers that left the line since the last call (at most ARGV[1]),
  oldest first, for one room push per tick. The i-th number (1-based) is departure fromSeq + i.
  KEYS[1] departed  KEYS[2] departedseq
  ARGV[1] max numbers
  returns {fromSeq, {numbers…}}
]]
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
local pending = redis.call('LLEN', KEYS[1])
if pending == 0 then return {total, {}} end
return {total - pending, redis.call('LPOP', KEYS[1], tonumber(ARGV[1]))}
