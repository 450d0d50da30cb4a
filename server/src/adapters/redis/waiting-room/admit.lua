#!lua
--[[ admit: one tick of admission, the only way a fan gets a checkout slot. Drops expired slots,
  admits n = min(free slots, rate budget, waiting, stock room) fans — always the lowest numbers, so admission
  order is number order (I5) — and moves the cursor. The bucket arithmetic is admissionsThisTick
  of shared/src/core/admission.ts, step for step; a shared test keeps the two equal.
  KEYS[1] q  KEYS[2] active  KEYS[3] cursor  KEYS[4] bucket  KEYS[5] admitted  KEYS[6] phase
  KEYS[7] pre  KEYS[8] seq  KEYS[9] epoch
  ARGV[1] nowMs  ARGV[2] admitPerMinute  ARGV[3] maxActiveCheckouts  ARGV[4] slot expiry ms
  ARGV[5] paused (1|0)  ARGV[6] jti nonce (random, per tick)  ARGV[7] fanKeyBase
  ARGV[8] stock room: at most this many this tick (-1: no cap). Like a full checkout, it spends no budget.
  returns {{fanId, queueNumber, jti, expiresAtMs, ...}, {snapshot as in snapshot.lua}}
]]
local PARTS = 60000          -- token parts per token (tokenPartsPerToken)
local SATURATED_MS = 60000   -- idle time after which any bucket is full (refillSaturatedMs)
local nowMs, perMinute = tonumber(ARGV[1]), tonumber(ARGV[2])
local maxActive, expiresAt = tonumber(ARGV[3]), ARGV[4]
local paused, base = ARGV[5] == '1', ARGV[7]

-- Invariant check before any write (scripts do not roll back): every waiting number is past the cursor.
local cursor = tonumber(redis.call('GET', KEYS[3]) or '0')
local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if lowest[2] and tonumber(lowest[2]) <= cursor then
  return redis.error_reply('ASSERT waiting number ' .. lowest[2] .. ' not past cursor ' .. cursor)
end

-- Slots valid while nowMs < expiry: drop the rest, and tell their fans' hashes.
for _, fan in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowMs)) do
  if redis.call('HGET', base .. fan, 'state') == 'admitted' then
    redis.call('HSET', base .. fan, 'state', 'admission_expired')
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs)

-- The rate budget (see admission.ts): a bucket never used counts as idle since forever, i.e. full.
local cap = math.max(PARTS, perMinute * 1000)
local b = redis.call('HMGET', KEYS[4], 'tokenParts', 'lastMs')
local parts = cap
if b[1] and b[2] then
  local elapsed = 0
  if not paused then elapsed = math.min(math.max(nowMs - tonumber(b[2]), 0), SATURATED_MS) end
  parts = math.min(cap, tonumber(b[1]) + elapsed * perMinute)
end
local n = 0
if not paused then
  local free = math.max(maxActive - redis.call('ZCARD', KEYS[2]), 0)
  n = math.min(math.floor(parts / PARTS), free, redis.call('ZCARD', KEYS[1]))
  local room = tonumber(ARGV[8] or '-1')
  if room >= 0 then n = math.min(n, room) end
end
redis.call('HSET', KEYS[4], 'tokenParts', parts - n * PARTS, 'lastMs', ARGV[1])

local out = {}
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], n)
  local total = redis.call('INCRBY', KEYS[5], n)
  local last = 0
  for i = 1, #popped, 2 do
    local fan, number = popped[i], tonumber(popped[i + 1])
    local jti = ARGV[6] .. '.' .. (total - n + (i + 1) / 2)
    redis.call('HSET', base .. fan, 'state', 'admitted', 'jti', jti, 'expiresAt', expiresAt)
    redis.call('ZADD', KEYS[2], expiresAt, fan)
    out[#out + 1] = fan
    out[#out + 1] = number
    out[#out + 1] = jti
    out[#out + 1] = tonumber(expiresAt)
    last = number
  end
  redis.call('SET', KEYS[3], last)
  cursor = last
end

return {out, {
  redis.call('GET', KEYS[6]) or 'open',
  cursor,
  redis.call('ZCARD', KEYS[1]),
  redis.call('ZCARD', KEYS[7]),
  redis.call('ZCARD', KEYS[2]),
  tonumber(redis.call('GET', KEYS[5]) or '0'),
  tonumber(redis.call('GET', KEYS[8]) or '0'),
  redis.call('GET', KEYS[9]) or '',
}}
