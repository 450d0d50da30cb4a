#!lua flags=no-writes
--[[ snapshot: the room's counters, read at one instant.
  KEYS[1] phase  KEYS[2] cursor  KEYS[3] q  KEYS[4] pre  KEYS[5] active  KEYS[6] admitted
  KEYS[7] seq  KEYS[8] epoch
  returns {phase, servedUpTo, waiting, preQueued, activeCheckouts, admittedTotal, lastNumber, epoch ('' = none)}
]]
return {
  redis.call('GET', KEYS[1]) or 'open',
  tonumber(redis.call('GET', KEYS[2]) or '0'),
  redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  redis.call('ZCARD', KEYS[5]),
  tonumber(redis.call('GET', KEYS[6]) or '0'),
  tonumber(redis.call('GET', KEYS[7]) or '0'),
  redis.call('GET', KEYS[8]) or '',
}
