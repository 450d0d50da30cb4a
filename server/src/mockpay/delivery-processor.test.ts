// Goal: MockPay's webhooks reach the shop at least once, signed so the shop can verify them, through
// a real BullMQ queue and Worker and a real HTTP receiver: retried with backoff while the shop
// answers 500; duplicated by chaos under the same event id; still delivered when chaos drops
// attempts; a refund notified once; an event whose enqueue was lost is re-driven by a repeat call
// or the relay. Every delivery must verify with the shop's verifyWebhook.
import { afterEach, describe, expect, it } from "vitest";
import { Worker } from "bullmq";
import { verifyWebhook, webhookEventSchema } from "../payments/webhook.js";
import { createLogger } from "../logger.js";
import { closedPort, json } from "../../test/support/services.js";
import { webhookEnqueueTimeoutMs } from "@stampede/shared/limits";
import { deliverWebhook } from "./deliver.js";
import { relayJobName } from "./queue.js";
import { createMockPay, mockpayWebhookQueue, noChaos, type ChaosSettings, type MockPayQueue } from "./index.js";
import {
  completeViaApi,
  eventRows,
  harnessWebhookSecret,
  newSession,
  startMockPayHarness,
  waitFor,
  type MockPayHarness,
  type ReceivedWebhook,
} from "../../test/support/mockpay.js";
import { deliveriesSettled } from "../../test/support/webhook-jobs.js";
import { createMockPayWebhookProcessor } from "./delivery-processor.js";

const harnesses: MockPayHarness[] = [];
const workers: Worker[] = [];

async function start(
  options: { chaos?: ChaosSettings; random?: () => number; workerRandom?: () => number } = {},
): Promise<MockPayHarness> {
  const h = await startMockPayHarness({ chaos: options.chaos, random: options.random });
  harnesses.push(h);
  const deps = {
    logger: createLogger("silent", "workers-test"),
    pool: h.pool,
    redis: h.testRedis.client,
    redisPrefix: h.testRedis.prefix,
    webhookSecret: harnessWebhookSecret,
    random: options.workerRandom,
  };
  workers.push(
    new Worker(mockpayWebhookQueue, createMockPayWebhookProcessor(deps), {
      connection: h.bullConnection,
      prefix: h.bullPrefix,
      concurrency: 8,
    }),
  );
  return h;
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

function verifies(d: ReceivedWebhook): boolean {
  const outcome = verifyWebhook(
    d.headers["mockpay-signature"] as string | undefined,
    d.rawBody,
    [harnessWebhookSecret],
    Math.floor(Date.now() / 1000),
  );
  return outcome.ok;
}

const eventIdOf = (d: ReceivedWebhook) => webhookEventSchema.parse(JSON.parse(d.rawBody)).id;

describe("webhook delivery", () => {
  it("delivers one signed event per completion, with the contract's body, and records it", async () => {
    const h = await start();
    const s = await newSession(h);
    expect((await completeViaApi(h, s.sessionId, "succeeded")).status).toBe(200);
    await waitFor(
      "the delivery to be recorded",
      async () => (await eventRows(h, s.sessionId))[0]?.delivered_at != null,
    );
    expect(h.receiver.received).toHaveLength(1);
    const [d] = h.receiver.received;
    expect(d && verifies(d)).toBe(true);
    expect(d?.headers["content-type"]).toBe("application/json");
    const body = webhookEventSchema.parse(JSON.parse(d?.rawBody ?? ""));
    const [row] = await eventRows(h, s.sessionId);
    expect(body).toMatchObject({
      id: row?.id,
      type: "payment.succeeded",
      data: { sessionId: s.sessionId, orderId: s.orderId, amountCents: 4_200, currency: "USD" },
    });
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(60);
    expect(row).toMatchObject({ attempts: 1, last_error: null });
    // A repeated completion after delivery queues nothing new.
    await completeViaApi(h, s.sessionId, "succeeded");
    // Had it queued a delivery, the job would be pending or already delivered: wait until none is.
    await deliveriesSettled(h.pool, h.queue, [s.sessionId]);
    expect(h.receiver.received).toHaveLength(1);
  });

  it("retries with backoff until the shop answers 2xx (first three attempts 500)", async () => {
    const h = await start();
    h.receiver.answer = (n) => (n < 3 ? 500 : 200);
    const s = await newSession(h);
    await completeViaApi(h, s.sessionId, "failed");
    await waitFor("delivery after three 500s", async () => (await eventRows(h, s.sessionId))[0]?.delivered_at != null);
    const deliveries = h.receiver.received;
    expect(deliveries.map((d) => d.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(deliveries.map(eventIdOf)).size).toBe(1);
    expect(deliveries.every(verifies)).toBe(true);
    // Exponential: each gap at least ~0.8 × 250·2^k ms (20% jitter).
    const gaps = deliveries.slice(1).map((d, i) => d.atMs - (deliveries[i]?.atMs ?? 0));
    gaps.forEach((gap, k) => expect(gap).toBeGreaterThanOrEqual(0.8 * 250 * 2 ** k - 20));
    expect((await eventRows(h, s.sessionId))[0]).toMatchObject({ attempts: 4, last_error: "HTTP 500" });
  });

  it("duplicate chaos delivers the same event id more than once", async () => {
    const h = await start({ chaos: { ...noChaos, duplicateRate: 1 } });
    const s = await newSession(h);
    await completeViaApi(h, s.sessionId, "succeeded");
    await waitFor("four deliveries (the event and three copies)", () => h.receiver.received.length >= 4);
    const ids = h.receiver.received.map(eventIdOf);
    expect(new Set(ids).size).toBe(1);
    expect(h.receiver.received.every(verifies)).toBe(true);
    expect(await eventRows(h, s.sessionId)).toHaveLength(1);
  });

  it("delay and reorder chaos: a later event can arrive first", async () => {
    // Enqueue-time random: first event gets the top of the spread, the second none.
    const draws = [0.999, 0];
    const h = await start({ chaos: { ...noChaos, delayMs: 400, reorder: true }, random: () => draws.shift() ?? 0 });
    const a = await newSession(h);
    const b = await newSession(h);
    const startedMs = Date.now();
    await completeViaApi(h, a.sessionId, "succeeded");
    await completeViaApi(h, b.sessionId, "canceled");
    await waitFor("both deliveries", () => h.receiver.received.length >= 2);
    const orderIds = h.receiver.received.map((d) => webhookEventSchema.parse(JSON.parse(d.rawBody)).data.orderId);
    expect(orderIds).toEqual([b.orderId, a.orderId]);
    expect((h.receiver.received[0]?.atMs ?? 0) - startedMs).toBeGreaterThanOrEqual(380);
  });

  it("fail-rate chaos drops attempts before sending, and the event still arrives", async () => {
    // Worker-side random: two attempts dropped, the third sent.
    const draws = [0.1, 0.2, 0.9];
    const h = await start({ chaos: { ...noChaos, failRate: 0.5 }, workerRandom: () => draws.shift() ?? 0.9 });
    const s = await newSession(h);
    await completeViaApi(h, s.sessionId, "succeeded");
    await waitFor(
      "delivery despite dropped attempts",
      async () => (await eventRows(h, s.sessionId))[0]?.delivered_at != null,
    );
    expect(h.receiver.received).toHaveLength(1);
    expect((await eventRows(h, s.sessionId))[0]).toMatchObject({
      attempts: 3,
      last_error: "chaos: attempt dropped before sending",
    });
  });

  it("a refund emits refund.succeeded once, however often it is asked for", async () => {
    const h = await start();
    const s = await newSession(h);
    await completeViaApi(h, s.sessionId, "succeeded");
    const first = await h.mockpay.provider.refund({ sessionId: s.sessionId, reason: "late payment, sold out" });
    expect(await h.mockpay.provider.refund({ sessionId: s.sessionId, reason: "again" })).toEqual(first);
    await deliveriesSettled(h.pool, h.queue, [s.sessionId]); // both delivered, nothing more queued
    expect(await eventRows(h, s.sessionId)).toHaveLength(2);
    const types = h.receiver.received.map((d) => webhookEventSchema.parse(JSON.parse(d.rawBody)).type);
    expect(types.sort()).toEqual(["payment.succeeded", "refund.succeeded"]);
  });
});

describe("one attempt at a time (deliverWebhook)", () => {
  it("counts a redirect, a refused connection and a chaos drop as failures; never drops the last attempt; skips unknown events", async () => {
    const h = await startMockPayHarness();
    harnesses.push(h);
    const s = await newSession(h);
    // Completed through the service with a queue nobody works: the attempts below are the only ones.
    await completeViaApi(h, s.sessionId, "succeeded");
    const [row] = await eventRows(h, s.sessionId);
    const job = { eventId: row?.id ?? "", chaosFailRate: 0 };
    const deps = { pool: h.pool, webhookSecret: harnessWebhookSecret };

    h.receiver.answer = () => 302;
    expect(await deliverWebhook(deps, job, { isLast: false })).toEqual({ kind: "failed", error: "HTTP 302" });
    expect(await deliverWebhook({ ...deps, random: () => 0 }, { ...job, chaosFailRate: 1 }, { isLast: false })).toEqual(
      { kind: "dropped" },
    );
    await h.pool.query("UPDATE mockpay_sessions SET webhook_url = $2 WHERE id = $1", [
      s.sessionId,
      `http://127.0.0.1:${await closedPort()}/hook`,
    ]);
    const refused = await deliverWebhook(deps, job, { isLast: false });
    expect(refused).toMatchObject({ kind: "failed", error: expect.stringMatching(/ECONNREFUSED/) });
    await h.pool.query("UPDATE mockpay_sessions SET webhook_url = $2 WHERE id = $1", [s.sessionId, h.receiver.url]);
    h.receiver.answer = () => 204;
    expect(await deliverWebhook({ ...deps, random: () => 0 }, { ...job, chaosFailRate: 1 }, { isLast: true })).toEqual({
      kind: "delivered",
      status: 204,
    });
    expect((await eventRows(h, s.sessionId))[0]).toMatchObject({
      attempts: 4,
      last_error: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(h.receiver.received.map((d) => d.status)).toEqual([302, 204]);

    expect(await deliverWebhook(deps, { eventId: "evt_0000", chaosFailRate: 0 }, { isLast: false })).toEqual({
      kind: "unknown_event",
    });
  });

  it("the processor asserts at creation when the workers were not given the webhook secret", () => {
    expect(() =>
      createMockPayWebhookProcessor({
        logger: createLogger("silent", "t"),
        pool: undefined as never,
        redis: undefined as never,
        redisPrefix: "x",
        webhookSecret: "",
      }),
    ).toThrow(/MOCKPAY_WEBHOOK_SECRET/);
  });
});

describe("outbox: an enqueue lost after the commit", () => {
  it("answers 503, and a repeat of the call (or the relay) delivers the recorded event", async () => {
    const h = await start();
    const brokenQueue = {
      addBulk: () => Promise.reject(new Error("redis down")),
      add: () => Promise.reject(new Error("redis down")),
    } as unknown as MockPayQueue;
    const broken = createMockPay({
      pool: h.pool,
      queue: brokenQueue,
      publicUrl: () => h.url,
      webhookUrl: () => h.receiver.url,
      chaos: noChaos,
      logger: createLogger("silent", "t"),
    });
    const s = await newSession(h);
    await expect(broken.service.complete(s.sessionId, "succeeded")).rejects.toThrow(/recorded but not queued/);
    expect(await eventRows(h, s.sessionId)).toHaveLength(1);

    const other = await newSession(h);
    await expect(broken.service.complete(other.sessionId, "canceled")).rejects.toThrow(/not queued/);

    // A repeat through the healthy MockPay re-drives the first …
    expect((await completeViaApi(h, s.sessionId, "succeeded")).status).toBe(200);
    await waitFor("the re-driven delivery", async () => (await eventRows(h, s.sessionId))[0]?.delivered_at != null);
    // … and the relay picks up the second.
    expect(await h.mockpay.service.redeliverUndelivered(0)).toBe(1);
    await waitFor("the relayed delivery", async () => (await eventRows(h, other.sessionId))[0]?.delivered_at != null);
    expect(await h.mockpay.service.redeliverUndelivered(0)).toBe(0);
    expect(h.receiver.received.every(verifies)).toBe(true);
  });

  it("the workers' scheduled relay job re-queues an event older than a minute that nobody queued", async () => {
    const h = await start();
    const brokenQueue = {
      addBulk: () => Promise.reject(new Error("redis down")),
      add: () => Promise.reject(new Error("redis down")),
    } as unknown as MockPayQueue;
    const broken = createMockPay({
      pool: h.pool,
      queue: brokenQueue,
      publicUrl: () => h.url,
      webhookUrl: () => h.receiver.url,
      chaos: noChaos,
      logger: createLogger("silent", "t"),
    });
    const fresh = await newSession(h);
    const old = await newSession(h);
    await expect(broken.service.complete(fresh.sessionId, "succeeded")).rejects.toThrow(/not queued/);
    await expect(broken.service.complete(old.sessionId, "succeeded")).rejects.toThrow(/not queued/);
    await h.pool.query("UPDATE mockpay_events SET created_at = now() - interval '2 minutes' WHERE session_id = $1", [
      old.sessionId,
    ]);
    const relay = await h.queue.add(relayJobName, undefined as never);
    await waitFor("the relay job", async () => (await relay.getState()) === "completed");
    expect((await h.queue.getJob(relay.id ?? ""))?.returnvalue).toEqual({ relayed: 1 });
    await waitFor("the relayed delivery", async () => (await eventRows(h, old.sessionId))[0]?.delivered_at != null);
    expect((await eventRows(h, fresh.sessionId))[0]?.delivered_at).toBeNull();
  });
});

describe("the route's answer when Redis is down", () => {
  it("is 503 not_ready with Retry-After within the enqueue deadline, the completion recorded", async () => {
    const h = await startMockPayHarness({ bullRedisUrl: `redis://127.0.0.1:${await closedPort()}` });
    harnesses.push(h);
    const s = await newSession(h);
    const startedMs = Date.now();
    const res = await completeViaApi(h, s.sessionId, "succeeded");
    expect(res.status).toBe(503);
    expect(Date.now() - startedMs).toBeLessThan(webhookEnqueueTimeoutMs + 1_000);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await json(res)).error.code).toBe("not_ready");
    expect(await eventRows(h, s.sessionId)).toHaveLength(1);
  });
});
