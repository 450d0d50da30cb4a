// Slows password guessing without locking the owner out. Per IP and username, each wrong password
// doubles the wait before the next attempt is even checked (1 s, 2 s, 4 s … capped); a right
// password after the wait signs in and clears the count. An attempt from another IP has its own
// count, so a guesser elsewhere never delays the owner. Per IP, failed and in-flight attempts across
// all usernames are capped over a window (credential stuffing). State lives in Redis, so every
// server node shares it.
import type { Clock } from "@stampede/shared/ports/clock";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import {
  adminLoginAttemptsPerIpMax,
  adminLoginBackoffBaseMs,
  adminLoginBackoffMaxMs,
  adminLoginWindowSeconds,
} from "@stampede/shared/limits";
import { redisKey, type Redis } from "../../adapters/redis/connection.js";
import { rateLimited, type DomainError } from "../errors.js";

export interface LoginBackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** The clock the waits are measured by (tests inject one they control). */
  now?: Clock;
  /** Whose sign-ins: the keys' name, so admins' and fan accounts' attempts are counted apart. */
  scope?: "admin-login" | "account-login";
}

// The wait after `fails` failures: base · 2^(fails-1), capped. Shared by both scripts.
const waitFn = `local function waitMs(fails, base, max)
  if fails <= 0 then return 0 end
  return math.floor(math.min(max, base * 2 ^ math.min(fails - 1, 40)))
end
`;

// Check and claim: refused while the wait runs; otherwise, if there were failures, the next wait
// starts now, so parallel guesses after a failure get one check, not one each. Returns ms left.
const checkScript = `${waitFn}
local now = tonumber(ARGV[1])
local fails = tonumber(redis.call('HGET', KEYS[1], 'fails') or '0')
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'nextAt') or '0')
if now < nextAt then return nextAt - now end
if fails > 0 then redis.call('HSET', KEYS[1], 'nextAt', now + waitMs(fails, tonumber(ARGV[2]), tonumber(ARGV[3]))) end
return 0`;

// One more failure: the next attempt is checked only after the doubled wait. Returns that wait.
const failScript = `${waitFn}
local now = tonumber(ARGV[1])
local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
local wait = waitMs(fails, tonumber(ARGV[2]), tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'nextAt', now + wait)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + wait)
return wait`;

function tooMany(waitMs: number): DomainError {
  return rateLimited(Math.max(1, Math.ceil(waitMs / 1000)), "sign-in attempts", { retryAfterMs: waitMs });
}

export class LoginLimiter {
  private readonly perIp: RateLimiterRedis;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly now: Clock;
  private readonly scope: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: LoginBackoffOptions = {},
  ) {
    this.baseMs = options.baseMs ?? adminLoginBackoffBaseMs;
    this.maxMs = options.maxMs ?? adminLoginBackoffMaxMs;
    this.now = options.now ?? Date.now;
    this.scope = options.scope ?? "admin-login";
    this.perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: redisKey(prefix, "rl", `${this.scope}-ip`),
      points: adminLoginAttemptsPerIpMax,
      duration: adminLoginWindowSeconds,
    });
  }

  /** Under the rate limits' "rl" namespace: this is throttling state, not data (a refused sign-in counts by design). */
  private key(ip: string, username: string): string {
    return redisKey(this.prefix, "rl", `${this.scope}-backoff`, `${username.toLowerCase()}|${ip}`);
  }

  /** Throws rate_limited with a retry-after while this IP must wait for this username, or when the IP's cap
   * is used up. Otherwise the attempt is counted against the IP until recordSuccess gives it back. */
  async assertAllowed(ip: string, username: string): Promise<void> {
    const args = [String(this.now()), String(this.baseMs), String(this.maxMs)];
    const waitMs = Number(await this.redis.eval(checkScript, 1, this.key(ip, username), ...args));
    if (waitMs > 0) throw tooMany(waitMs);
    try {
      await this.perIp.consume(ip);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      await this.perIp.reward(ip, 1);
      throw tooMany(e.msBeforeNext);
    }
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const args = [String(this.now()), String(this.baseMs), String(this.maxMs), String(adminLoginWindowSeconds * 1000)];
    await this.redis.eval(failScript, 1, this.key(ip, username), ...args);
  }

  async recordSuccess(ip: string, username: string): Promise<void> {
    await Promise.all([this.redis.del(this.key(ip, username)), this.perIp.reward(ip, 1)]);
  }
}
