// Request rate limits shared by every server node (counts in Redis): a limit that is used up
// answers 429 rate_limited with Retry-After, for HTTP and for socket acks alike.
import type { Request } from "express";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { redisKey, type Redis } from "../adapters/redis/connection.js";
import { HttpError } from "./errors.js";

export class RateLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, name: string, pointsPerMinute: number) {
    this.limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: redisKey(prefix, "rl", name), points: pointsPerMinute, duration: 60 });
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

export function rateLimited(retryAfterSeconds: number, what: string): HttpError {
  return new HttpError(429, "rate_limited", `too many ${what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }, { "Retry-After": String(retryAfterSeconds) });
}

/** The client's address behind `hops` trusted proxies (the same rule as Express's "trust proxy" with a hop count). */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, hops: number): string {
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "")).split(",").map((s) => s.trim()).filter(Boolean);
  const addresses = [...chain, remoteAddress ?? "unknown"];
  return addresses[Math.max(0, addresses.length - 1 - hops)] ?? "unknown";
}

/** The client's address as Express sees it under the configured "trust proxy" hop count. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
