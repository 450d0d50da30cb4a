// Slows password guessing: failed attempts are counted per username+IP and per IP (Redis, so all
// server nodes share the counts). A success clears the username+IP count.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { adminLoginAttemptsMax, adminLoginAttemptsPerIpMax, adminLoginWindowSeconds } from "@stampede/shared/limits";
import { redisKey, type Redis } from "../../adapters/redis/connection.js";
import { HttpError } from "../../http/errors.js";

export class LoginLimiter {
  private readonly perUser: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;

  constructor(redis: Redis, prefix: string) {
    const common = { storeClient: redis, duration: adminLoginWindowSeconds, blockDuration: adminLoginWindowSeconds };
    this.perUser = new RateLimiterRedis({ ...common, keyPrefix: redisKey(prefix, "rl", "admin-login-user"), points: adminLoginAttemptsMax });
    this.perIp = new RateLimiterRedis({ ...common, keyPrefix: redisKey(prefix, "rl", "admin-login-ip"), points: adminLoginAttemptsPerIpMax });
  }

  private static userKey(ip: string, username: string): string {
    return `${username.toLowerCase()}|${ip}`;
  }

  /** Throws 429 with Retry-After when either count is used up. */
  async assertAllowed(ip: string, username: string): Promise<void> {
    const [user, ipRes] = await Promise.all([this.perUser.get(LoginLimiter.userKey(ip, username)), this.perIp.get(ip)]);
    const blocked = [user, ipRes].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
    if (blocked.length === 0) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000));
    throw new HttpError(429, "rate_limited", `too many sign-in attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }, {
      "Retry-After": String(retryAfterSeconds),
    });
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    await Promise.all([
      this.perUser.penalty(LoginLimiter.userKey(ip, username), 1),
      this.perIp.penalty(ip, 1),
    ]);
  }

  async recordSuccess(ip: string, username: string): Promise<void> {
    await this.perUser.delete(LoginLimiter.userKey(ip, username));
  }
}
