// Test support for the waiting-room suites: one test Redis prefix per file, several connections
// (so "concurrent" really means concurrent clients, as with several server nodes), and a fresh
// event id per test so tests in one file never share a room. Never used by production code.
import { randomUUID } from "node:crypto";
import { createTestRedis, testRedisUrl, type TestRedis } from "./services.js";
import { createRedis, type Redis } from "../../src/adapters/redis/connection.js";
import { RoomRestore } from "../../src/adapters/redis/waiting-room/room-restore.js";
import { WaitingRoomStore, type JoinResult } from "../../src/adapters/redis/waiting-room/store.js";

/** A store whose join makes the room first when it has none, as the service does (room-restore.ts). */
export class TestStore extends WaitingRoomStore {
  private readonly restore: RoomRestore;

  constructor(redis: Redis, prefix: string) {
    super(redis, prefix);
    this.restore = new RoomRestore(redis, prefix);
  }

  /** The store's own join: null while the room has no epoch. */
  joinWithoutMaking(eventId: string, fanId: string, nowMs: number): Promise<JoinResult | null> {
    return super.join(eventId, fanId, nowMs);
  }

  override async join(eventId: string, fanId: string, nowMs: number): Promise<JoinResult> {
    const joined = await super.join(eventId, fanId, nowMs);
    if (joined) return joined;
    await this.restore.restoreRoom(eventId, null, nowMs);
    const again = await super.join(eventId, fanId, nowMs);
    if (!again) throw new Error(`room ${eventId} has no epoch right after it was made`);
    return again;
  }
}

export const t0 = 1_700_000_000_000;

export interface WaitingRoomTestbed {
  redis: TestRedis;
  /** One store per connection; stores[0] uses the test's own client. */
  stores: TestStore[];
  connections: Redis[];
  store: TestStore;
  cleanup(): Promise<void>;
}

/** connectionCount connections to the shared Redis, or to the Redis at url (a cluster: redis-backends.ts). */
export async function createTestbed(connectionCount = 4, url = testRedisUrl): Promise<WaitingRoomTestbed> {
  const redis = await createTestRedis(url);
  const extra = Array.from({ length: connectionCount - 1 }, () => createRedis(url, "app"));
  const connections = [redis.client, ...extra];
  const stores = connections.map((c) => new TestStore(c, redis.prefix));
  return {
    redis,
    stores,
    connections,
    store: stores[0] as TestStore,
    async cleanup() {
      for (const c of extra) c.disconnect();
      await redis.cleanup();
    },
  };
}

export function newEventId(): string {
  return randomUUID();
}

export function fanIds(count: number, tag = "fan"): string[] {
  return Array.from({ length: count }, (_, i) => `${tag}-${i + 1}-${randomUUID().slice(0, 8)}`);
}

/** Settings with room to spare, overridden per test. */
export function admitOptions(nowMs: number, overrides: Partial<Parameters<WaitingRoomStore["admit"]>[1]> = {}) {
  return {
    nowMs,
    admitPerMinute: 600,
    maxActiveCheckouts: 1_000,
    admissionTtlMs: 600_000,
    paused: false,
    ...overrides,
  };
}
