// Goal: domain events published at the same moment (a batch of payments settled together, sent as
// one pipeline) reach the stream all of them, once each, in the order they were published.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { createTestRedis, type TestRedis } from "../../testing/services.js";
import { DomainEvents, domainStreamKey, type DomainEvent } from "./domain-events.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await createTestRedis();
});
afterAll(async () => {
  await redis.cleanup();
});

const event = (n: number): DomainEvent => ({
  type: "order.paid", orderId: `order-${n}`, eventId: "event-1", fanId: `fan-${n}`, status: "paid", quantity: 1, totalCents: 100, atMs: n,
});

describe("domain events", () => {
  it("appends many concurrent publishes once each, in publishing order", async () => {
    const events = new DomainEvents(redis.client, redis.prefix, createLogger("silent", "test"));
    const published = Array.from({ length: 60 }, (_, n) => event(n));
    await Promise.all(published.map((e) => events.publish(e)));
    const entries = await redis.client.xrange(domainStreamKey(redis.prefix), "-", "+");
    expect(entries.map(([, fields]) => JSON.parse(fields[1]!) as DomainEvent)).toEqual(published);
  });
});
