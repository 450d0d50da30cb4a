// Goal: the tickers' lease gives an event's tickers to exactly one node at a time, on a single Redis
// and on a Redis Cluster alike: a second node is refused while the first renews, gets it once the
// first releases it, and takes it over by itself when the holder stops renewing (the key expires).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, type Redis } from "../../adapters/redis/connection.js";
import { Lease } from "./lease.js";
import { useRedisBackends } from "../../../test/support/redis-backends.js";
import { waitFor } from "../../../test/support/fans.js";
import { createTestRedis, type TestRedis } from "../../../test/support/services.js";

const backends = useRedisBackends();

describe.each(backends)("the tickers' lease on $name", (backend) => {
  let redis: TestRedis;
  let other: Redis;
  beforeAll(async () => {
    redis = await createTestRedis(backend.url());
    other = createRedis(backend.url(), "app");
  });
  afterAll(async () => {
    other.disconnect();
    await redis.cleanup();
  });

  it("is held by one node at a time, handed over on release", async () => {
    const key = `${redis.prefix}:lease:{${randomUUID()}}`;
    const [a, b] = [new Lease(redis.client, 60_000), new Lease(other, 60_000)];
    expect(await Promise.all([a.hold(key), b.hold(key)])).toEqual(expect.arrayContaining([true, false]));
    const [holder, waiting] = (await redis.client.get(key)) === a.nodeId ? [a, b] : [b, a];
    expect(await holder.hold(key)).toBe(true); // renewing
    expect(await waiting.hold(key)).toBe(false);
    await waiting.release(key); // not the holder: changes nothing
    expect(await waiting.hold(key)).toBe(false);
    await holder.release(key);
    expect(await waiting.hold(key)).toBe(true);
  });

  it("goes to another node when its holder stops renewing", async () => {
    const key = `${redis.prefix}:lease:{${randomUUID()}}`;
    const [a, b] = [new Lease(redis.client, 200), new Lease(other, 200)];
    expect(await a.hold(key)).toBe(true);
    expect(await b.hold(key)).toBe(false);
    // Waits for the state (the key expired and b took it), not for a time.
    expect(await waitFor("b takes the lease over", () => b.hold(key))).toBe(true);
    expect(await a.hold(key)).toBe(false);
  });
});
