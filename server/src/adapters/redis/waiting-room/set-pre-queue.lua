#!lua
--[[ set-pre-queue: collect joins in the pre-queue until the opening. Only before anyone holds a
  number: turning a running queue into a pre-queue would take places away.
  KEYS[1] phase  KEYS[2] seq
  returns 'pre' (now, or already) | 'opening' (the opening has begun) | 'already_numbered'
]]
local phase = redis.call('GET', KEYS[1]) or 'open'
if phase == 'opening' then return 'opening' end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then return 'already_numbered' end
redis.call('SET', KEYS[1], 'pre')
return 'pre'
