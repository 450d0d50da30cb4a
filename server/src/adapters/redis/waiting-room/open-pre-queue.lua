#!lua
--[[ open-pre-queue: one batch of the opening. Numbers the given fans (the caller's FIFO or
  lottery order) that are still in the pre-queue; with no fans given, numbers the next batch of
  the pre-queue in arrival order (fans who joined during the opening). The room opens in the
  same call that empties the pre-queue, so no join can land in a pre-queue nobody will number.
  KEYS[1] phase  KEYS[2] seq  KEYS[3] q  KEYS[4] pre
  ARGV[1] fanKeyBase  ARGV[2] batchMax  ARGV[3..] fanIds in order (none = arrival order)
  returns {numbered in this call, phase after it}
]]
local phase = redis.call('GET', KEYS[1]) or 'open'
if phase == 'open' then return {0, 'open'} end
redis.call('SET', KEYS[1], 'opening')
local fans = {}
if #ARGV > 2 then
  for i = 3, #ARGV do fans[#fans + 1] = ARGV[i] end
else
  fans = redis.call('ZRANGE', KEYS[4], 0, tonumber(ARGV[2]) - 1)
end
local numbered = 0
for _, fan in ipairs(fans) do
  -- A fan who left during the opening (or was never in) is skipped; one already numbered too.
  if redis.call('ZREM', KEYS[4], fan) == 1 then
    local number = redis.call('INCR', KEYS[2])
    redis.call('ZADD', KEYS[3], number, fan)
    redis.call('HSET', ARGV[1] .. fan, 'state', 'waiting', 'number', number)
    numbered = numbered + 1
  end
end
if redis.call('ZCARD', KEYS[4]) == 0 then
  redis.call('SET', KEYS[1], 'open')
  return {numbered, 'open'}
end
return {numbered, 'opening'}
