// Goal (R10, I6): kill -9 a workers process in the middle of a job, and the job completes in
// another workers process with its effect exactly once. The job is MockPay's webhook delivery of a
// payment: the shop's endpoint sits behind a gate that holds the delivery, so the first workers
// process is caught waiting for the answer and SIGKILLed right then. A second workers process
// takes the job over once its lock runs out (JOB_LOCK_MS, BullMQ's stalled-job check) and
// delivers it; the order is paid once, with one set of tickets. The dead process's copy of the
// delivery then reaches the shop too (it had been sent): nothing changes.
// Controls: the first delivery really was cut off mid-flight with no attempt recorded, and the
// order stayed held until the second process delivered (nothing else settles it). On a single Redis
// and on a Redis Cluster (BullMQ's queues under a hash-tagged prefix).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { domainStreamKey, entryEvents } from "../src/adapters/redis/domain-events.js";
import {
  admittedFan,
  auditOk,
  completePayment,
  getOrder,
  hold,
  orderReaches,
  sessionIdOf,
  stockOf,
} from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { testPool } from "./support/services.js";
import { useRedisBackends, type RedisBackend } from "./support/redis-backends.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";
import { deliveriesSettled, stackWebhooks } from "./support/webhook-jobs.js";
import { startWebhookGate, type WebhookGate } from "./support/webhook-gate.js";

const backends = useRedisBackends();
let gate: WebhookGate;
let stack: TestStack;
let url: string;
let db: pg.Pool;

/** The gate, stack and pool of the describe block running now (one per Redis backend). */
function gatedStack(backend: RedisBackend): void {
  beforeAll(async () => {
    gate = await startWebhookGate();
    stack = await startStack({ PUBLIC_URL: gate.url, JOB_LOCK_MS: "2000" }, { redisUrl: backend.url() });
    url = (await stack.addServer()).url;
    gate.target = url;
    db = testPool(stack.db.url, 2);
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await stack?.close();
    await gate?.close();
  });
}

/** The order's statuses as announced on the domain-event stream (one entry when placed, one per transition). */
async function transitionsOf(orderId: string): Promise<string[]> {
  const entries = await stack.redis.client.xrange(domainStreamKey(stack.redis.prefix), "-", "+");
  const events = entries.flatMap(([, fields]) => entryEvents(fields));
  return events.filter((e) => e.orderId === orderId).map((e) => e.status);
}

const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n);

async function heldOrder() {
  const event = await createEvent(url, stackAdmin, {
    name: "Worker killed",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 10 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100 },
  });
  const fan = await admittedFan(url, event.id);
  fan.close();
  const held = await hold(url, fan, event.id, [{ classId: (event.classes[0] as { id: string }).id, quantity: 2 }]);
  expect(held.status).toBe(201);
  return { eventId: event.id, order: held.body };
}

describe.each(backends)("a workers process killed mid-job, on $name", (backend) => {
  gatedStack(backend);

  it("hands the webhook delivery to another workers process, which pays the order exactly once", async () => {
    const first = stack.addWorkers();
    const { eventId, order } = await heldOrder();
    expect((await completePayment(url, order.paymentUrl, "succeeded")).status).toBe(200);
    const caught = await waitFor("the delivery held at the gate", () => gate.deliveries[0], 30_000);

    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    await waitFor("the dead process's connection to close", () => caught.cutOff);
    const attempts = "SELECT attempts AS n FROM mockpay_events WHERE id = $1";
    expect(await count(attempts, [caught.eventId])).toBe(0); // it died before recording anything
    expect((await getOrder(url, order.orderId, order.orderToken)).status).toBe("held");

    gate.open = true;
    stack.addWorkers();
    // Well before MockPay's relay could re-queue it (events older than 60 s): the handover is BullMQ's.
    await waitFor("the other process's delivery", () => gate.deliveries.length >= 2, 30_000);
    expect(gate.deliveries.map((d) => d.eventId)).toEqual(gate.deliveries.map(() => caught.eventId));
    const paid = await orderReaches(url, order.orderId, order.orderToken, "paid");
    // The job is complete (recorded as delivered, no job left), not just re-sent.
    const webhooks = stackWebhooks(stack);
    try {
      await deliveriesSettled(webhooks.pool, webhooks.queue, [sessionIdOf(order.paymentUrl)]);
    } finally {
      await webhooks.close();
    }

    // The dead process's copy arrives late: accepted as a duplicate, nothing changes.
    expect(await gate.forward(caught)).toBe(200);
    expect(paid.tickets).toHaveLength(2);
    const after = await getOrder(url, order.orderId, order.orderToken);
    expect([after.status, after.tickets.map((t) => t.ticketId)]).toEqual(["paid", paid.tickets.map((t) => t.ticketId)]);
    expect(await count("SELECT count(*) AS n FROM tickets WHERE order_id = $1", [order.orderId])).toBe(2);
    expect(await count("SELECT count(*) AS n FROM payment_inbox WHERE event_id = $1", [caught.eventId])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM mockpay_refunds", [])).toBe(0);
    expect(await transitionsOf(order.orderId)).toEqual(["held", "paid"]); // placed, then paid once
    expect((await stockOf(url, eventId))[0]).toMatchObject({ available: 8, held: 0, sold: 2 });
    expect(await auditOk(url, eventId, basicAuth(stackAdmin.username, stackAdmin.password))).toBe(true);
  }, 120_000);
});
