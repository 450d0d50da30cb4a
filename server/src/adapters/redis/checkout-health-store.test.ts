// Goal: Redis is where the nodes' health readings meet: the reader gets the worst latency and lag
// of any fresh node and the sum of what is queued, and a node that stopped writing drops out (its
// last bad reading must not hold admission down).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthyCheckout } from "@stampede/shared/core/admission-control";
import { createTestRedis, type TestRedis } from "../../../test/support/services.js";
import { CheckoutHealthStore, healthStaleMs } from "./checkout-health-store.js";
import { useRedisBackends } from "../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let redis: TestRedis;

describe.each(backends)("CheckoutHealthStore on $name", (backend) => {
  beforeAll(async () => {
    redis = await createTestRedis(backend.url());
  });
  afterAll(() => redis.cleanup());

  it("combines fresh nodes, drops stale ones", async () => {
    const store = new CheckoutHealthStore(redis.client, `${redis.prefix}:a`);
    const t = 5_000_000;
    await store.publish(
      "n1",
      { ...healthyCheckout, holdP95Ms: 120, holdsInFlight: 10, overloadRefusals: 1, poolWaits: 3, holdsPerSecond: 30 },
      t,
    );
    await store.publish(
      "n2",
      {
        ...healthyCheckout,
        holdP95Ms: 900,
        settlementLagMs: 50,
        holdsInFlight: 5,
        webhooksWaiting: 7,
        poolWaits: 1,
        holdsPerSecond: 20,
      },
      t - 500,
    );
    await store.publish("dead", { ...healthyCheckout, holdP95Ms: 60_000, holdsInFlight: 1_000 }, t - healthStaleMs - 1);
    expect(await store.read(t)).toEqual({
      overloadRefusals: 1,
      holdP95Ms: 900,
      settlementLagMs: 50,
      poolWaits: 3,
      holdsInFlight: 15,
      webhooksWaiting: 7,
      holdsPerSecond: 50,
      nodes: 2,
    });
    expect(await redis.client.hkeys(`${redis.prefix}:a:checkout-health`)).toEqual(expect.arrayContaining(["n1", "n2"]));
    expect(await redis.client.hexists(`${redis.prefix}:a:checkout-health`, "dead")).toBe(0);
  });

  it("remembers the most holds a second one node answered, for the next sale to start near", async () => {
    const store = new CheckoutHealthStore(redis.client, `${redis.prefix}:c`);
    expect(await store.pace()).toBeNull();
    await store.publish("n1", { ...healthyCheckout, holdsPerSecond: 120 }, 1);
    await store.publish("n1", { ...healthyCheckout, holdsPerSecond: 40 }, 2);
    expect(await store.pace()).toBe(120);
    await store.publish("n2", { ...healthyCheckout, holdsPerSecond: 150.5 }, 3);
    expect(await store.pace()).toBe(150.5);
    expect(await redis.client.ttl(`${redis.prefix}:c:checkout-pace`)).toBeGreaterThan(0);
  });

  it("reads no node as a healthy checkout", async () => {
    const store = new CheckoutHealthStore(redis.client, `${redis.prefix}:b`);
    expect(await store.read(1)).toEqual({ ...healthyCheckout, nodes: 0 });
  });
});
