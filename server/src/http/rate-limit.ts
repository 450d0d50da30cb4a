// Request rate limits shared by every server node (counts in Redis): a limit that is used up
// answers 429 rate_limited with Retry-After, for HTTP and for socket acks alike.
import type { IncomingMessage } from "node:http";
import type { Request } from "express";
import proxyAddr from "proxy-addr";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { redisKey, type Redis } from "../adapters/redis/connection.js";

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

// The refusal itself is defined below HTTP, so a service (the admin sign-in limiter) builds the same one.
export { rateLimited } from "../services/errors.js";

/** Trusts the `hops` proxies nearest the server and no one else: Express's rule for a number as
 * "trust proxy" (app.ts sets it from the same TRUST_PROXY_HOPS). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** What proxy-addr reads of a request: the peer's address and X-Forwarded-For. */
type ForwardedRequest = Pick<IncomingMessage, "headers"> & { socket: { remoteAddress: string | undefined } };

/**
 * The client's address behind `hops` trusted proxies, read by proxy-addr as Express reads req.ip,
 * for a socket's handshake (which Express never sees). Entries a client writes into
 * X-Forwarded-For itself lie beyond the trusted hops, so they cannot choose the address.
 * Takes the address rather than the request: the handshake keeps the one engine.io read at
 * connection time, while the request's own socket may be gone by the time a socket event asks.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string {
  // Node joins repeated X-Forwarded-For lines into one; a header given as a list is read the same way.
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
  const req: ForwardedRequest = {
    socket: { remoteAddress },
    headers: header === undefined ? {} : { "x-forwarded-for": header },
  };
  return proxyAddr(req as IncomingMessage, trustHops(hops)) || "unknown";
}

/** The client's address as Express sees it under the configured "trust proxy" hop count. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
