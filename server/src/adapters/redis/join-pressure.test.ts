// Goal: the bot defence's counters on the shared Redis and on a Redis Cluster (one MULTI per join,
// every key of an event in its slot): the sliding minute weighs the previous minute's joins by
// how much of it the window still covers; a raised mark lasts until its time; a solution's
// signature is claimed once (the second claim is refused — the negative control is a first claim).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRedis, type TestRedis } from "../../../test/support/services.js";
import { useRedisBackends } from "../../../test/support/redis-backends.js";
import { JoinPressureStore } from "./join-pressure.js";

const backends = useRedisBackends();
let redis: TestRedis;

describe.each(backends)("JoinPressureStore on $name", (backend) => {
  beforeAll(async () => {
    redis = await createTestRedis(backend.url());
  });
  afterAll(() => redis.cleanup());

  it("counts per subnet and per event over a sliding minute", async () => {
    const store = new JoinPressureStore(redis.client, redis.prefix);
    const eventId = randomUUID();
    const minute = 29_000_000 * 60_000; // the start of a minute
    for (let i = 0; i < 4; i++) await store.count(eventId, "203.0.113.0/24", minute + 1_000);
    await store.count(eventId, "198.51.100.0/24", minute + 2_000);
    // A quarter into the next minute: three quarters of the last minute's joins still count.
    const later = await store.count(eventId, "203.0.113.0/24", minute + 75_000);
    expect(later.subnetPerMinute).toBe(1 + 4 * 0.75);
    expect(later.eventPerMinute).toBe(1 + 5 * 0.75);
    const other = await store.count(eventId, "192.0.2.0/24", minute + 75_000);
    expect(other.subnetPerMinute).toBe(1);
  });

  it("keeps a raised mark until its time, for the subnet or everyone", async () => {
    const store = new JoinPressureStore(redis.client, redis.prefix);
    const eventId = randomUUID();
    const nowMs = Date.now();
    await store.raise(eventId, "203.0.113.0/24", nowMs + 60_000, nowMs);
    const raised = await store.count(eventId, "203.0.113.0/24", nowMs);
    expect(raised).toMatchObject({ subnetRaisedUntilMs: nowMs + 60_000, eventRaisedUntilMs: 0 });
    expect((await store.count(eventId, "192.0.2.0/24", nowMs)).subnetRaisedUntilMs).toBe(0);
    await store.raise(eventId, null, nowMs + 30_000, nowMs);
    expect(await store.eventRaisedUntil(eventId)).toBe(nowMs + 30_000);
  });

  it("claims a signature once", async () => {
    const store = new JoinPressureStore(redis.client, redis.prefix);
    const eventId = randomUUID();
    expect(await store.claim(eventId, "sig-a", 60_000)).toBe(true);
    expect(await store.claim(eventId, "sig-a", 60_000)).toBe(false);
    expect(await store.claim(eventId, "sig-b", 60_000)).toBe(true);
  });
});
