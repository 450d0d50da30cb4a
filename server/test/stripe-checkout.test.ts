// Goal: an event that takes payments with Stripe Checkout sells end to end through the real
// server and workers processes, against a local stand-in for Stripe's API that delivers signed
// webhooks: the fan is sent to the session's page, the completed session pays the order once
// (however often it is delivered), an admin refund goes to Stripe and the refund's own event
// changes nothing more, event types the shop has no use for are acknowledged and recorded, and
// forged deliveries are refused. A MockPay event on the same server still pays through MockPay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../src/adapters/postgres/pool.js";
import {
  admittedFan,
  auditOk,
  completePayment,
  getOrder,
  hold,
  orderReaches,
  sessionIdOf,
  type AdmittedFan,
} from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";
import { startStripeStandin, type StripeStandin } from "./support/stripe-standin.js";

const apiKey = "sk_test_standinKey0123456789";
const webhookSecret = "whsec_standinSecret0123456789";
const basic = basicAuth(stackAdmin.username, stackAdmin.password);
const fans: AdmittedFan[] = [];
let stripe: StripeStandin;
let stack: TestStack;
let url: string;

beforeAll(async () => {
  stripe = await startStripeStandin({ apiKey, webhookSecret });
  stack = await startStack({
    STRIPE_SECRET_KEY: apiKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_URL: stripe.url,
  });
  url = (await stack.addServer()).url;
  stack.addWorkers();
  stripe.webhookUrl = `${url}/api/payments/stripe/webhook`;
});
afterAll(async () => {
  for (const f of fans) f.close();
  await stack?.close();
  await stripe?.close();
});

async function sale(paymentProvider: "stripe" | "mockpay") {
  const event = await createEvent(url, stackAdmin, {
    name: `Paid with ${paymentProvider}`,
    status: "on_sale",
    paymentProvider,
    classes: [{ code: "GA", name: "General", priceCents: 2_500, capacity: 50, currency: "EUR" }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100 },
  });
  return { id: event.id, ga: event.classes[0]!.id };
}

async function heldOrder(event: { id: string; ga: string }, quantity: number) {
  const f = await admittedFan(url, event.id);
  fans.push(f);
  const h = await hold(url, f, event.id, [{ classId: event.ga, quantity }]);
  if (h.status !== 201) throw new Error(JSON.stringify(h));
  return h.body;
}

async function inbox(
  where: string,
  value: string,
): Promise<Array<{ event_id: string; type: string; outcome: string }>> {
  const pool = createPool(stack.db.url, { max: 1 });
  try {
    const { rows } = await pool.query(`SELECT event_id, type, outcome FROM payment_inbox WHERE ${where} = $1`, [value]);
    return rows as Array<{ event_id: string; type: string; outcome: string }>;
  } finally {
    await pool.end();
  }
}

/** The admin orders list of an event: each order and the provider it pays with. */
async function adminOrderProviders(eventId: string): Promise<Array<{ orderId: string; paymentProvider: string }>> {
  const res = await fetch(`${url}/api/admin/orders?eventId=${eventId}`, { headers: { authorization: basic } });
  const page = (await res.json()) as { orders: Array<{ orderId: string; paymentProvider: string }> };
  return page.orders.map(({ orderId, paymentProvider }) => ({ orderId, paymentProvider }));
}

describe("Stripe Checkout", () => {
  it("sends the fan to the session's page and pays the order once when the completed session arrives twice", async () => {
    const event = await sale("stripe");
    const order = await heldOrder(event, 2);
    expect(order.paymentUrl.startsWith(`${stripe.url}/c/pay/cs_`)).toBe(true);
    const created = stripe.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
    expect(created.at(-1)?.params).toMatchObject({
      client_reference_id: order.orderId,
      mode: "payment",
      line_items: [
        {
          quantity: "2",
          price_data: { currency: "eur", unit_amount: "2500", product_data: { name: "Paid with stripe — General" } },
        },
      ],
    });
    stripe.complete(sessionIdOf(order.paymentUrl), { copies: 2 });
    const paid = await orderReaches(url, order.orderId, order.orderToken, "paid");
    expect(paid.tickets).toHaveLength(2);
    await stripe.idle();
    expect((await getOrder(url, order.orderId, order.orderToken)).tickets).toHaveLength(2);
    const applied = await inbox("order_id", order.orderId);
    expect(applied.map((r) => r.outcome)).toEqual(["paid"]);
    expect(await auditOk(url, event.id, basic)).toBe(true);
    expect(await adminOrderProviders(event.id)).toEqual([{ orderId: order.orderId, paymentProvider: "stripe" }]);
  });

  it("refunds through Stripe; the refund's own event then changes nothing", async () => {
    const event = await sale("stripe");
    const order = await heldOrder(event, 1);
    stripe.complete(sessionIdOf(order.paymentUrl));
    await orderReaches(url, order.orderId, order.orderToken, "paid");
    const refund = await fetch(`${url}/api/admin/orders/${order.orderId}/refund`, {
      method: "POST",
      headers: { authorization: basic },
    });
    expect(refund.status).toBe(200);
    expect(((await refund.json()) as { status: string }).status).toBe("refunded");
    await waitFor("the refund at Stripe", async () =>
      stripe.requests.some((r) => r.method === "POST" && r.path === "/v1/refunds") ? true : null,
    );
    await waitFor("charge.refunded settled", async () =>
      (await inbox("order_id", order.orderId)).some((r) => r.type === "refund.succeeded") ? true : null,
    );
    expect((await getOrder(url, order.orderId, order.orderToken)).status).toBe("refunded");
    expect(await auditOk(url, event.id, basic)).toBe(true);
  });

  it("acknowledges and records an event type it has no use for, and refuses a forged delivery", async () => {
    const other = stripe.emit("customer.created", { id: "cus_standin1", object: "customer" });
    await stripe.idle();
    expect(stripe.deliveries.filter((d) => d.eventId === other.id).map((d) => d.outcome)).toEqual([200]);
    expect(await inbox("event_id", other.id)).toEqual([
      { event_id: other.id, type: "customer.created", outcome: "ignored_type" },
    ]);
    const { body, header } = stripe.signed(other, { secret: "whsec_notTheEndpointSecret0000" });
    const forged = await fetch(`${url}/api/payments/stripe/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": header },
      body,
    });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("invalid_signature");
  });

  it("tells an admin that events may choose Stripe on this server", async () => {
    const me = await fetch(`${url}/api/admin/me`, { headers: { authorization: basic } });
    expect(((await me.json()) as { paymentProviders: string[] }).paymentProviders).toEqual(["mockpay", "stripe"]);
  });

  it("still pays a MockPay event on the same server through MockPay", async () => {
    const event = await sale("mockpay");
    const order = await heldOrder(event, 1);
    expect(order.paymentUrl.startsWith(`${url}/mockpay/`)).toBe(true);
    await completePayment(url, order.paymentUrl, "succeeded");
    await orderReaches(url, order.orderId, order.orderToken, "paid");
    expect(await adminOrderProviders(event.id)).toEqual([{ orderId: order.orderId, paymentProvider: "mockpay" }]);
  });
});
