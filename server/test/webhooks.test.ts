// Goal: the payment webhook changes state only for genuine, fresh, well-formed events, exactly
// once per event id (I6, R6–R8): the forgery table changes nothing; duplicated, shuffled and
// delayed deliveries (MockPay's chaos knobs on) end in the same states as in-order delivery; the
// redirect and the webhook at the same instant, or two tabs paying, give one set of tickets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../src/adapters/postgres/pool.js";
import { signWebhook, webhookBody, type WebhookEvent } from "../src/payments/webhook.js";
import {
  admittedFan,
  auditOk,
  completePayment,
  getOrder,
  hold,
  orderReaches,
  sessionIdOf,
  stockOf,
  type AdmittedFan,
} from "./support/checkout.js";
import { basicAuth, createEvent } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";
import { deliveriesSettled, stackWebhooks } from "./support/webhook-jobs.js";

const secret = "whsec_e2e_webhook_secret_0123456789";
const stacks: TestStack[] = [];
const fans: AdmittedFan[] = [];
const basic = basicAuth(stackAdmin.username, stackAdmin.password);
let url: string;
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ MOCKPAY_WEBHOOK_SECRET: secret });
  stacks.push(stack);
  url = (await stack.addServer()).url;
  stack.addWorkers();
});
afterAll(async () => {
  for (const f of fans) f.close();
  for (const s of stacks) await s.close();
});

async function saleEvent(target = url) {
  const event = await createEvent(target, stackAdmin, {
    name: "Webhooks",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 100 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500 },
  });
  return { id: event.id, ga: event.classes[0]!.id };
}

async function heldOrder(target: string, event: { id: string; ga: string }, quantity = 1) {
  const f = await admittedFan(target, event.id);
  fans.push(f);
  const h = await hold(target, f, event.id, [{ classId: event.ga, quantity }]);
  if (h.status !== 201) throw new Error(JSON.stringify(h));
  return h.body;
}

function post(body: string, signature: string | null) {
  return fetch(`${url}/api/payments/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "mockpay-signature": signature }) },
    body,
  });
}

const now = () => Math.floor(Date.now() / 1000);

describe("payment webhooks", () => {
  it("rejects every forgery with 400 and changes nothing; a replay is a no-op", async () => {
    const event = await saleEvent();
    const order = await heldOrder(url, event, 2);
    const evt: WebhookEvent = {
      id: "evt_forgerytest1",
      type: "payment.succeeded",
      created: now(),
      data: { sessionId: sessionIdOf(order.paymentUrl), orderId: order.orderId, amountCents: 2000, currency: "USD" },
    };
    const body = webhookBody(evt);
    const changed = body.replace('"amountCents":2000', '"amountCents":2001');
    const table: Array<[string, string, string | null]> = [
      ["wrong secret", body, signWebhook("whsec_not_the_secret_000000000000", body, now())],
      ["one byte changed", changed, signWebhook(secret, body, now())],
      ["stale timestamp", body, signWebhook(secret, body, now() - 330)],
      ["future timestamp", body, signWebhook(secret, body, now() + 330)],
      ["missing header", body, null],
      ["garbled header", body, "v1=abc,t=notanumber"],
    ];
    for (const [what, b, sig] of table) {
      const res = await post(b, sig);
      expect(res.status, what).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe("invalid_signature");
    }
    expect((await getOrder(url, order.orderId, order.orderToken)).status).toBe("held");
    const malformed = '{"id":"evt_x","type":"payment.succeeded"}';
    const bad = await post(malformed, signWebhook(secret, malformed, now()));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_payload");

    // Genuine (rotation: a stale second v1 beside the right one still passes), then replayed.
    const genuine = `${signWebhook(secret, body, now())},v1=${"0".repeat(64)}`;
    expect((await post(body, genuine)).status).toBe(200);
    expect((await post(body, signWebhook(secret, body, now()))).status).toBe(200);
    const paid = await getOrder(url, order.orderId, order.orderToken);
    expect(paid.status).toBe("paid");
    expect(paid.tickets).toHaveLength(2);
  });

  it("records a payment of another amount or currency as a mismatch and settles nothing", async () => {
    const event = await saleEvent();
    const order = await heldOrder(url, event, 2);
    const sessionId = sessionIdOf(order.paymentUrl);
    const paying = (id: string, amountCents: number, currency: string): WebhookEvent => ({
      id,
      type: "payment.succeeded",
      created: now(),
      data: { sessionId, orderId: order.orderId, amountCents, currency },
    });
    for (const evt of [paying("evt_shortpaid1", 1_999, "USD"), paying("evt_othercurrency1", 2_000, "EUR")]) {
      const body = webhookBody(evt);
      const res = await post(body, signWebhook(secret, body, now()));
      expect(res.status, evt.id).toBe(200); // acknowledged: delivering it again could not change the answer
      expect((await post(body, signWebhook(secret, body, now()))).status, evt.id).toBe(200);
    }
    const pool = createPool(stack.db.url, { max: 1 });
    try {
      const { rows } = await pool.query<{ event_id: string; outcome: string }>(
        "SELECT event_id, outcome FROM payment_inbox WHERE order_id = $1 ORDER BY event_id",
        [order.orderId],
      );
      expect(rows).toEqual([
        { event_id: "evt_othercurrency1", outcome: "amount_mismatch" },
        { event_id: "evt_shortpaid1", outcome: "amount_mismatch" },
      ]);
    } finally {
      await pool.end();
    }
    const still = await getOrder(url, order.orderId, order.orderToken);
    expect(still.status).toBe("held");
    expect(still.tickets).toHaveLength(0);
    // Negative control: the order's own amount and currency pay it.
    const right = webhookBody(paying("evt_paidinfull1", 2_000, "USD"));
    expect((await post(right, signWebhook(secret, right, now()))).status).toBe(200);
    expect((await getOrder(url, order.orderId, order.orderToken)).status).toBe("paid");
  });

  it("counts each event's mismatched payments, with their orders, in the admin's stats", async () => {
    const [event, other] = [await saleEvent(), await saleEvent()];
    const [first, second, elsewhere] = [
      await heldOrder(url, event),
      await heldOrder(url, event),
      await heldOrder(url, other),
    ];
    const paying = (id: string, order: typeof first, amountCents: number): string =>
      webhookBody({
        id,
        type: "payment.succeeded",
        created: now(),
        data: { sessionId: sessionIdOf(order.paymentUrl), orderId: order.orderId, amountCents, currency: "USD" },
      });
    const sent = [
      paying("evt_statsshort1", first, 999),
      paying("evt_statsshort2", first, 998),
      paying("evt_statsshort3", second, 1),
      paying("evt_statspaid1", elsewhere, 1_000), // the order's own amount: no mismatch
    ];
    for (const body of sent) expect((await post(body, signWebhook(secret, body, now()))).status).toBe(200);
    const stats = async (eventId: string) => {
      const res = await fetch(`${url}/api/admin/events/${eventId}/stats`, { headers: { authorization: basic } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { paymentMismatches: unknown }).paymentMismatches;
    };
    expect(await stats(event.id)).toEqual({
      payments: 3,
      orders: 2,
      orderIds: [second.orderId, first.orderId], // newest first
    });
    expect(await stats(other.id)).toEqual({ payments: 0, orders: 0, orderIds: [] });
  });

  it("records an event for an unknown order and answers 200 (no retry storm)", async () => {
    const evt: WebhookEvent = {
      id: "evt_unknownorder1",
      type: "payment.succeeded",
      created: now(),
      data: {
        sessionId: "ps_nobody",
        orderId: "00000000-0000-7000-8000-000000000000",
        amountCents: 100,
        currency: "USD",
      },
    };
    const body = webhookBody(evt);
    const res = await post(body, signWebhook(secret, body, now()));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
  });

  it("gives one transition and one set of tickets when the redirect, the webhook and a second tab race", async () => {
    const event = await saleEvent();
    const order = await heldOrder(url, event, 2);
    const sessionId = sessionIdOf(order.paymentUrl);
    const form = () =>
      fetch(`${url}/mockpay/checkout/${sessionId}/complete`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "outcome=succeeded",
        redirect: "manual",
      });
    const answers = await Promise.all([
      form(),
      completePayment(url, order.paymentUrl, "succeeded"),
      form(),
      completePayment(url, order.paymentUrl, "succeeded"),
    ]);
    expect(answers.map((a) => a.status).every((s) => s === 200 || s === 303)).toBe(true);
    const paid = await orderReaches(url, order.orderId, order.orderToken, "paid");
    // Every delivery of this payment has landed, and none is still queued: nothing can come later.
    const webhooks = stackWebhooks(stack);
    try {
      await deliveriesSettled(webhooks.pool, webhooks.queue, [sessionId]);
    } finally {
      await webhooks.close();
    }
    expect((await getOrder(url, order.orderId, order.orderToken)).tickets).toHaveLength(2);
    expect(paid.tickets).toHaveLength(2);
    expect((await stockOf(url, event.id))[0]).toMatchObject({ sold: 2, held: 0 });
  });
});

describe("payment webhook racing the fan's cancel", () => {
  it("ends every order paid with its tickets exactly once, whichever lands first, and the stock adds up", async () => {
    const event = await saleEvent();
    const orders = await Promise.all(Array.from({ length: 6 }, () => heldOrder(url, event, 2)));
    await Promise.all(
      orders.map(async (o, i) => {
        const evt: WebhookEvent = {
          id: `evt_race${i}x${Date.now()}`,
          type: "payment.succeeded",
          created: now(),
          data: { sessionId: sessionIdOf(o.paymentUrl), orderId: o.orderId, amountCents: 2_000, currency: "USD" },
        };
        const body = webhookBody(evt);
        const cancel = () =>
          fetch(`${url}/api/orders/${o.orderId}/cancel`, {
            method: "POST",
            headers: { authorization: `Bearer ${o.orderToken}` },
          });
        const answers = await Promise.all(
          i % 2 === 0
            ? [post(body, signWebhook(secret, body, now())), cancel()]
            : [cancel(), post(body, signWebhook(secret, body, now()))],
        );
        expect(answers[i % 2 === 0 ? 0 : 1]!.status).toBe(200); // the webhook is always acknowledged
      }),
    );
    for (const o of orders) {
      const paid = await orderReaches(url, o.orderId, o.orderToken, "paid");
      expect(paid.tickets).toHaveLength(2);
    }
    expect((await stockOf(url, event.id))[0]).toMatchObject({ sold: 12, held: 0 });
    expect(await auditOk(url, event.id, basic)).toBe(true);
  });
});

describe("payment webhooks under chaos", () => {
  it("reaches the in-order final states with duplicated, delayed, reordered and dropped deliveries", async () => {
    const chaos = await startStack({
      MOCKPAY_WEBHOOK_SECRET: secret,
      MOCKPAY_DUPLICATE_RATE: "1",
      MOCKPAY_DELAY_MS: "400",
      MOCKPAY_REORDER: "true",
      MOCKPAY_FAIL_RATE: "0.3",
    });
    stacks.push(chaos);
    const chaosUrl = (await chaos.addServer()).url;
    chaos.addWorkers();
    const event = await saleEvent(chaosUrl);
    const plan = [
      "succeeded",
      "failed",
      "canceled",
      "succeeded",
      "succeeded",
      "failed",
      "succeeded",
      "canceled",
    ] as const;
    const expected = { succeeded: "paid", failed: "payment_failed", canceled: "cancelled" } as const;
    const orders = await Promise.all(plan.map(() => heldOrder(chaosUrl, event, 1)));
    await Promise.all(orders.map((o, i) => completePayment(chaosUrl, o.paymentUrl, plan[i]!)));
    for (const [i, o] of orders.entries())
      await orderReaches(chaosUrl, o.orderId, o.orderToken, expected[plan[i]!], 30_000);
    // Late duplicates and retries must change nothing: wait until every one of them has landed.
    const webhooks = stackWebhooks(chaos);
    try {
      await deliveriesSettled(
        webhooks.pool,
        webhooks.queue,
        orders.map((o) => sessionIdOf(o.paymentUrl)),
        60_000,
      );
    } finally {
      await webhooks.close();
    }
    const final = await Promise.all(orders.map((o) => getOrder(chaosUrl, o.orderId, o.orderToken)));
    expect(final.map((o) => o.status)).toEqual(plan.map((p) => expected[p]));
    expect(final.map((o) => o.tickets.length)).toEqual(plan.map((p) => (p === "succeeded" ? 1 : 0)));
    const paid = plan.filter((p) => p === "succeeded").length;
    expect((await stockOf(chaosUrl, event.id))[0]).toMatchObject({ available: 100 - paid, held: 0, sold: paid });
    expect(await auditOk(chaosUrl, event.id, basic)).toBe(true);
    const pool = createPool(chaos.db.url, { max: 1 });
    const { rows } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM payment_inbox WHERE outcome <> 'unknown_order'",
    );
    await pool.end();
    expect(Number(rows[0]!.n)).toBe(plan.length); // one applied row per provider event, whatever the duplicates
  }, 90_000);
});
