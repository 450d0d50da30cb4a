// Goal: domain events published at the same moment (a batch of payments settled together) reach
// the stream all of them, once each, in the order they were published, in fewer entries than
// events; entries of the one-event shape earlier releases wrote still read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { createTestRedis, type TestRedis } from "../../../test/support/services.js";
import { DomainEvents, domainStreamKey, entryEvents, type DomainEvent } from "./domain-events.js";
import { useRedisBackends } from "../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let redis: TestRedis;

const event = (n: number): DomainEvent => ({
  type: "order.paid",
  orderId: `order-${n}`,
  eventId: "event-1",
  fanId: `fan-${n}`,
  status: "paid",
  quantity: 1,
  totalCents: 100,
  atMs: n,
});

describe.each(backends)("domain events on $name", (backend) => {
  beforeAll(async () => {
    redis = await createTestRedis(backend.url());
  });
  afterAll(async () => {
    await redis.cleanup();
  });

  it("appends many concurrent publishes once each, in publishing order", async () => {
    const events = new DomainEvents(redis.client, redis.prefix, createLogger("silent", "test"));
    const published = Array.from({ length: 60 }, (_, n) => event(n));
    await Promise.all(published.map((e) => events.publish(e)));
    const entries = await redis.client.xrange(domainStreamKey(redis.prefix), "-", "+");
    expect(entries.flatMap(([, fields]) => entryEvents(fields))).toEqual(published);
    expect(entries.length).toBeLessThan(published.length);
  });

  it("reads a one-event entry, and nothing from an entry of another shape", () => {
    expect(entryEvents(["e", JSON.stringify(event(1))])).toEqual([event(1)]);
    expect(entryEvents(["b", JSON.stringify([event(1), event(2)])])).toEqual([event(1), event(2)]);
    expect(entryEvents(["x", "{}"])).toEqual([]);
    expect(entryEvents([])).toEqual([]);
  });
});
