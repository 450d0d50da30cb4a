// Test support for the waiting-room suites: one test Redis prefix per file, several connections
// (so "concurrent" really means concurrent clients, as with several server nodes), and a fresh
// event id per test so tests in one file never share a room. Never used by production code.
import { randomUUID } from "node:crypto";
import { createTestRedis, testRedisUrl, type TestRedis } from "../../../testing/services.js";
import { createRedis, type Redis } from "../connection.js";
import { WaitingRoomStore } from "./store.js";

export const t0 = 1_700_000_000_000;

export interface WaitingRoomTestbed {
  redis: TestRedis;
  /** One store per connection; stores[0] uses the test's own client. */
  stores: WaitingRoomStore[];
  connections: Redis[];
  store: WaitingRoomStore;
  cleanup(): Promise<void>;
}

export async function createTestbed(connectionCount = 4): Promise<WaitingRoomTestbed> {
  const redis = await createTestRedis();
  const extra = Array.from({ length: connectionCount - 1 }, () => createRedis(testRedisUrl, "app"));
  const connections = [redis.client, ...extra];
  const stores = connections.map((c) => new WaitingRoomStore(c, redis.prefix));
  return {
    redis,
    stores,
    connections,
    store: stores[0] as WaitingRoomStore,
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
  return { nowMs, admitPerMinute: 600, maxActiveCheckouts: 1_000, admissionTtlMs: 600_000, paused: false, ...overrides };
}
