// Request rate limits shared by every server node (counts in Redis): take() says how long to wait
// when a limit is used up; the caller refuses with rateLimited (services/errors.ts), which HTTP
// answers 429 with Retry-After and the socket acks as rate_limited alike.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { redisKey, type Redis } from "./connection.js";

export class RateLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, name: string, pointsPerMinute: number) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: redisKey(prefix, "rl", name),
      points: pointsPerMinute,
      duration: 60,
    });
  }

  /** Counts one attempt; returns the seconds to wait when the limit is used up, else null. */
  async take(key: string): Promise<number | null> {
    try {
      await this.limiter.consume(key, 1);
      return null;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw err;
    }
  }
}
