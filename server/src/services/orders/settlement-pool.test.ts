// Goal: a refund never waits on the pool while its transaction holds a connection. With the pool
// at N connections, N late payments that must all be refunded (sold out) arrive at once: every one
// completes, none times out waiting for a connection. (Refunding inside the settling transaction
// took a second connection per payment while holding the first: N of them starved the pool.)
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventInput } from "@stampede/shared/api/events";
import { planHold } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import { createLedger } from "../../adapters/ledger.js";
import { createPool, transactionsOn, type Pool } from "../../adapters/postgres/pool.js";
import { PaidBatch } from "../../adapters/postgres/paid-batch.js";
import { PaymentInbox } from "../../adapters/postgres/payment-inbox.js";
import { RefundIntentsRepo } from "../../adapters/postgres/refund-intents-repo.js";
import { WaitingRoomStore } from "../../adapters/redis/waiting-room/store.js";
import { createLogger } from "../../logger.js";
import { createMockPay, noChaos, type MockPay } from "../../mockpay/index.js";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "../../../test/support/services.js";
import { EventsRepo, type EventRecord } from "../../adapters/postgres/events-repo.js";
import { setUpEventLedger } from "../events/inventory.js";
import { DomainEvents } from "../../adapters/redis/domain-events.js";
import { OrdersRepo } from "../../adapters/postgres/orders-repo.js";
import { Settlement } from "./settlement.js";
import { newShortCode, TicketCodes } from "./ticket-codes.js";

const poolSize = 4;
let db: TestDatabase;
let redis: TestRedis;
let pool: Pool;
let ledger: Ledger;
let queue: Queue;
let mockpay: MockPay;
let settlement: Settlement;
let orders: OrdersRepo;
let event: EventRecord;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  // A short connect timeout: a starved pool shows as an error, not a hang.
  pool = createPool(db.url, { max: poolSize, connectTimeoutMs: 3_000 });
  ledger = createLedger("postgres", { databaseUrl: db.url });
  queue = new Queue("mockpay-webhooks", { connection: redis.client.duplicate(), prefix: `${redis.prefix}:bull` });
  const logger = createLogger("silent", "test");
  mockpay = createMockPay({
    pool,
    queue,
    publicUrl: () => "http://shop.test",
    webhookUrl: () => "http://shop.test/api/payments/webhook",
    chaos: noChaos,
    logger,
  });
  const events = new EventsRepo(pool);
  orders = new OrdersRepo(pool);
  settlement = new Settlement({
    transactions: transactionsOn(pool),
    orders,
    paidBatch: new PaidBatch(pool, newShortCode),
    inbox: new PaymentInbox(pool),
    refundIntents: new RefundIntentsRepo(pool),
    events,
    ledger,
    providers: { mockpay: mockpay.provider },
    codes: new TicketCodes("test-secret-key-0123456789abcdef0123"),
    store: new WaitingRoomStore(redis.client, redis.prefix),
    domainEvents: new DomainEvents(redis.client, redis.prefix, logger),
    logger,
  });
  event = await events.create(
    createEventInput.parse({
      name: "Pool",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 500, capacity: 1 }],
    }),
  );
  await setUpEventLedger(ledger, event);
  // Someone else holds the only ticket for the whole test: every late payment finds none left.
  const taken = planHold({
    ledger: event.ledger,
    holdId: uuidv7(),
    fanId: uuidv7(),
    perFanMax: 6,
    holdSeconds: 3_600,
    items: [{ tierId: event.classes[0]!.id, quantity: 1 }],
  });
  await ledger.createAccounts(taken.accounts);
  await ledger.createTransfers(taken.transfers);
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await ledger?.close();
  await pool?.end();
  await redis?.cleanup();
  await db?.drop();
});

/** An order whose hold expired and whose payment the provider has just captured. */
async function lateOrder(): Promise<{ orderId: string; sessionId: string }> {
  const orderId = uuidv7();
  const session = await mockpay.provider.createSession({
    orderId,
    amountCents: 500,
    currency: "USD",
    description: "GA",
    returnUrl: "http://shop.test/done",
  });
  const tier = event.classes[0]!;
  await orders.insertHeld({
    id: orderId,
    eventId: event.id,
    fanId: uuidv7(),
    email: "fan@example.test",
    admissionJti: `jti-${orderId}`,
    holdId: orderId,
    items: [{ classId: tier.id, code: tier.code, quantity: 1, unitPriceCents: 500 }],
    totalCents: 500,
    currency: "USD",
    orderTokenHash: "h",
    paymentProvider: "mockpay",
    paymentSessionId: session.sessionId,
    paymentUrl: session.paymentUrl,
    expiresAt: new Date(Date.now() - 1_000).toISOString(),
  });
  await pool.query("UPDATE orders SET status = 'expired' WHERE id = $1", [orderId]);
  await mockpay.service.complete(session.sessionId, "succeeded");
  return { orderId, sessionId: session.sessionId };
}

describe("late payments refunded with the pool full", () => {
  it(`settles ${poolSize} concurrent sold-out late payments on a pool of ${poolSize}: all refunded, none starved`, async () => {
    const late = [];
    for (let i = 0; i < poolSize; i++) late.push(await lateOrder());
    const results = await Promise.allSettled(
      late.map((o, i) =>
        settlement.applyWebhook({
          id: `evt_late${i}`,
          type: "payment.succeeded",
          created: Math.floor(Date.now() / 1000),
          data: { sessionId: o.sessionId, orderId: o.orderId, amountCents: 500, currency: "USD" },
        }),
      ),
    );
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : String(r.reason)))).toEqual(
      late.map(() => "applied"),
    );
    const { rows } = await pool.query<{ status: string; done: boolean }>(
      `SELECT o.status, r.done_at IS NOT NULL AS done
         FROM orders o LEFT JOIN refund_intents r ON r.order_id = o.id WHERE o.id = ANY($1::uuid[])`,
      [late.map((o) => o.orderId)],
    );
    expect(rows).toEqual(late.map(() => ({ status: "refunded", done: true })));
    for (const o of late) expect((await mockpay.service.getSession(o.sessionId))?.refund).not.toBeNull();
  }, 60_000);
});
