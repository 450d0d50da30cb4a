// Goal: the tickers' lease gives an event's tickers to exactly one node at a time, on a single Redis
// and on a Redis Cluster alike: a second node is refused while the first renews, gets it once the
// first releases it, and takes it over by itself when the holder stops renewing (the key expires).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Lease } from "./lease.js";
import { twoConnections, useRedisBackends } from "../../../test/support/redis-backends.js";
import { waitFor } from "../../../test/support/fans.js";

const backends = useRedisBackends();

describe.each(backends)("the tickers' lease on $name", (backend) => {
  const conns = twoConnections(backend, "app");

  it("is held by one node at a time, handed over on release", async () => {
    const key = `${conns.redis.prefix}:lease:{${randomUUID()}}`;
    const [a, b] = [new Lease(conns.redis.client, 60_000), new Lease(conns.other, 60_000)];
    expect(await Promise.all([a.hold(key), b.hold(key)])).toEqual(expect.arrayContaining([true, false]));
    const [holder, waiting] = (await conns.redis.client.get(key)) === a.nodeId ? [a, b] : [b, a];
    expect(await holder.hold(key)).toBe(true); // renewing
    expect(await waiting.hold(key)).toBe(false);
    await waiting.release(key); // not the holder: changes nothing
    expect(await waiting.hold(key)).toBe(false);
    await holder.release(key);
    expect(await waiting.hold(key)).toBe(true);
  });

  it("goes to another node when its holder stops renewing", async () => {
    const key = `${conns.redis.prefix}:lease:{${randomUUID()}}`;
    const [a, b] = [new Lease(conns.redis.client, 200), new Lease(conns.other, 200)];
    expect(await a.hold(key)).toBe(true);
    expect(await b.hold(key)).toBe(false);
    // Waits for the state (the key expired and b took it), not for a time.
    expect(await waitFor("b takes the lease over", () => b.hold(key))).toBe(true);
    expect(await a.hold(key)).toBe(false);
  });
});
