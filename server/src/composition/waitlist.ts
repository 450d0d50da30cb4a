// The waiting list's parts: its Redis entries beside the room's, its notices in PostgreSQL, and the
// service the routes and the tickers share.
import type { Redis } from "../adapters/redis/connection.js";
import type { Pool } from "../adapters/postgres/pool.js";
import { WaitlistRepo } from "../adapters/postgres/waitlist-repo.js";
import { WaitlistStore } from "../adapters/redis/waiting-room/waitlist-store.js";
import { WaitlistService, type WaitlistDeps } from "../services/waiting-room/waitlist-service.js";

export function createWaitlist(
  deps: { redis: Redis; redisPrefix: string; pool: Pool },
  room: Pick<WaitlistDeps, "room" | "store" | "stock">,
): WaitlistService {
  return new WaitlistService({
    ...room,
    list: new WaitlistStore(deps.redis, deps.redisPrefix),
    repo: new WaitlistRepo(deps.pool),
  });
}
