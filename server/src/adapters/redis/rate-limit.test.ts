// Goal: a rate limit is shared by every node (two connections count against one budget) on a single
// Redis and on a Redis Cluster alike — rate-limiter-flexible's script keeps to its one key.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RateLimit } from "./rate-limit.js";
import { twoConnections, useRedisBackends } from "../../../test/support/redis-backends.js";

const backends = useRedisBackends();

describe.each(backends)("rate limits on $name", (backend) => {
  const conns = twoConnections(backend, "app");

  it("lets 3 a minute through across two nodes, then says how long to wait", async () => {
    const nodes = [conns.redis.client, conns.other].map((c) => new RateLimit(c, conns.redis.prefix, "test", 3));
    const ip = `ip-${randomUUID()}`;
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await nodes[i % 2]!.take(ip));
    expect(waits.slice(0, 3)).toEqual([null, null, null]);
    expect(waits[3]).toBeGreaterThanOrEqual(1);
    expect(waits[3]).toBeLessThanOrEqual(60);
    expect(await nodes[0]!.take(`ip-${randomUUID()}`)).toBeNull(); // another key has its own budget
  });
});
