// Goal: the Stripe adapter asks Stripe for what the port promises, in Stripe's terms, through the
// official SDK over real HTTP (the local stand-in): one payment-mode Checkout Session per order
// (one line item, the order on client_reference_id and on the payment's metadata, the return URL
// as MockPay's redirect with Stripe's session template, an expiry past the hold that a retry
// repeats exactly, an idempotency key from the order); refunds once per session, also when the
// Dashboard refunded first; and every failure read as the port reads it — no answer, 429, 409 and
// 5xx "unavailable", a refused key or request loudly.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { AssertionError } from "@stampede/shared/assert";
import { PaymentProviderUnavailableError, type CreateSessionInput } from "@stampede/shared/ports/payment-provider";
import { redirectUrlFor } from "../../mockpay/rules.js";
import { waitFor } from "../../../test/support/mockpay.js";
import { startStripeStandin, type StripeStandin } from "../../../test/support/stripe-standin.js";
import { createStripeClient } from "./client.js";
import {
  sessionExpiresAt,
  sessionExpiryStepSeconds,
  StripeProvider,
  stripeSessionLifetimeMinSeconds,
} from "./provider.js";

const apiKey = "sk_test_provider_0123456789";
let standin: StripeStandin;
let provider: StripeProvider;
let orders = 0;

beforeAll(async () => {
  standin = await startStripeStandin({ apiKey, webhookSecret: "whsec_provider_0123456789" });
  provider = new StripeProvider(standin.connection());
});
afterAll(async () => {
  provider?.close();
  await standin?.close();
});

const input = (over: Partial<CreateSessionInput> = {}): CreateSessionInput => {
  const orderId = `0196a1b2-c3d4-7e5f-a7b8-${String(++orders).padStart(12, "0")}`;
  return {
    orderId,
    amountCents: 12_345,
    currency: "EUR",
    description: "2 × VIP — Stampede Live",
    returnUrl: `http://shop.test/orders/${orderId}?lang=en#token=t0k`,
    payBy: new Date(Date.now() + 5 * 60_000).toISOString(),
    ...over,
  };
};

const lastRequest = (path: string) => standin.requests.filter((r) => r.path === path).at(-1)!;

describe("createSession", () => {
  it("opens a payment-mode Checkout Session for the order's total, as the SDK sends it", async () => {
    const order = input();
    const session = await provider.createSession(order);
    expect(session.sessionId).toMatch(/^cs_test_/);
    expect(session.paymentUrl).toBe(`${standin.url}/c/pay/${session.sessionId}`);
    const request = lastRequest("/v1/checkout/sessions");
    const returnTo = (outcome: string) =>
      `http://shop.test/orders/${order.orderId}?lang=en&session={CHECKOUT_SESSION_ID}&outcome=${outcome}#token=t0k`;
    expect(request.params).toEqual({
      mode: "payment",
      line_items: [
        {
          quantity: "1",
          price_data: { currency: "eur", unit_amount: "12345", product_data: { name: order.description } },
        },
      ],
      client_reference_id: order.orderId,
      metadata: { orderId: order.orderId },
      payment_intent_data: { metadata: { orderId: order.orderId } },
      success_url: returnTo("succeeded"),
      cancel_url: returnTo("canceled"),
      expires_at: String(sessionExpiresAt(order.payBy)),
    });
    expect(request.headers["idempotency-key"]).toBe(`stampede-checkout-${order.orderId}`);
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it("sends the fan back the way MockPay does: the same URL, with Stripe's session id put in", async () => {
    const order = input();
    const { sessionId } = await provider.createSession(order);
    expect(standin.successUrl(sessionId)).toBe(redirectUrlFor(order.returnUrl, sessionId, "succeeded"));
    expect(standin.cancelUrl(sessionId)).toBe(redirectUrlFor(order.returnUrl, sessionId, "canceled"));
  });

  it("keeps the session payable 30 to 35 minutes past the hold, and lets Stripe's 24 h stand without one", async () => {
    const payBy = Date.now() + 1_000;
    const { sessionId } = await provider.createSession(input({ payBy: new Date(payBy).toISOString() }));
    const expiresAt = standin.account.session(sessionId).expires_at;
    expect(expiresAt - payBy / 1000).toBeGreaterThanOrEqual(stripeSessionLifetimeMinSeconds);
    expect(expiresAt - payBy / 1000).toBeLessThan(stripeSessionLifetimeMinSeconds + sessionExpiryStepSeconds);
    expect(expiresAt % sessionExpiryStepSeconds).toBe(0);
    const open = input();
    delete open.payBy;
    const noPayBy = await provider.createSession(open);
    expect(lastRequest("/v1/checkout/sessions").params).not.toHaveProperty("expires_at");
    const created = standin.account.session(noPayBy.sessionId);
    expect(created.expires_at - created.created).toBe(24 * 3600);
  });

  it("repeats a create with exactly the first parameters, so Stripe answers the first session", async () => {
    const order = input();
    const first = await provider.createSession(order);
    const sent = lastRequest("/v1/checkout/sessions");
    const sessions = standin.account.sessions.size;
    // The clock has moved on to another second: nothing sent may depend on it.
    const second = Math.floor(Date.now() / 1000);
    await waitFor("the next second", () => Math.floor(Date.now() / 1000) > second);
    expect(await provider.createSession(order)).toEqual(first);
    expect(lastRequest("/v1/checkout/sessions").params).toEqual(sent.params);
    expect(standin.account.sessions.size).toBe(sessions);
  });

  it.each([
    ["later", 3],
    ["earlier", -3],
  ])("gives the first session to a retry whose payBy moved a little %s, across an expiry step", async (_w, ms) => {
    // A resumed hold reads its end back from the ledger: a few milliseconds off the first attempt's.
    const stepMs = sessionExpiryStepSeconds * 1000;
    const edge = Math.ceil((Date.now() + 5 * 60_000) / stepMs) * stepMs;
    const order = input({ payBy: new Date(edge - (ms > 0 ? 1 : -1)).toISOString() });
    const first = await provider.createSession(order);
    const moved = { ...order, payBy: new Date(edge - (ms > 0 ? 1 : -1) + ms).toISOString() };
    expect(sessionExpiresAt(moved.payBy)).not.toBe(sessionExpiresAt(order.payBy));
    expect(await provider.createSession(moved)).toEqual(first);
    await expect(provider.createSession({ ...moved, amountCents: 1 })).rejects.toBeInstanceOf(AssertionError);
  });

  it("names an order without a description by its id (Stripe needs a product name)", async () => {
    const order = input({ description: " " });
    await provider.createSession(order);
    const params = lastRequest("/v1/checkout/sessions").params as {
      line_items: Array<{ price_data: { product_data: { name: string } } }>;
    };
    expect(params.line_items[0]!.price_data.product_data.name).toBe(`Order ${order.orderId}`);
  });

  it("shows a line per tier when the shop names them, and asserts they add up to the amount", async () => {
    const lineItems = [
      { name: "Stampede Live — VIP", unitAmountCents: 5_000, quantity: 2 },
      { name: "Stampede Live — General", unitAmountCents: 2_345, quantity: 1 },
    ];
    await provider.createSession(input({ lineItems }));
    expect(lastRequest("/v1/checkout/sessions").params).toMatchObject({
      line_items: [
        {
          quantity: "2",
          price_data: { currency: "eur", unit_amount: "5000", product_data: { name: lineItems[0]!.name } },
        },
        {
          quantity: "1",
          price_data: { currency: "eur", unit_amount: "2345", product_data: { name: lineItems[1]!.name } },
        },
      ],
    });
    const before = standin.requests.length;
    const short = [{ name: "Stampede Live — VIP", unitAmountCents: 5_000, quantity: 2 }];
    await expect(provider.createSession(input({ lineItems: short }))).rejects.toThrow(AssertionError);
    expect(standin.requests).toHaveLength(before); // refused before any call
  });
});

describe("refund", () => {
  const pi = (sessionId: string) => standin.account.session(sessionId).payment_intent;
  async function paidSession(): Promise<string> {
    const { sessionId } = await provider.createSession(input());
    standin.complete(sessionId);
    return sessionId;
  }

  it("refunds the session's payment once per session, with the shop's reason", async () => {
    const sessionId = await paidSession();
    const outcome = await provider.refund({ sessionId, reason: "late payment: no tickets left" });
    expect(outcome).toMatchObject({ kind: "refunded", refundId: expect.stringMatching(/^re_/) });
    const request = lastRequest("/v1/refunds");
    const pi = standin.account.session(sessionId).payment_intent;
    expect(request.params).toEqual({
      payment_intent: pi,
      metadata: {
        orderId: standin.account.session(sessionId).client_reference_id,
        reason: "late payment: no tickets left",
      },
    });
    expect(request.headers["idempotency-key"]).toBe(`stampede-refund-${sessionId}`);
  });

  it("returns the Dashboard's refund when the payment was refunded there first", async () => {
    const sessionId = await paidSession();
    const [charge] = standin.refundFromDashboard(sessionId);
    const refundId = [...standin.account.refunds.values()].at(-1)!.id;
    expect(charge?.type).toBe("charge.refunded");
    expect(await provider.refund({ sessionId, reason: "admin" })).toEqual({ kind: "refunded", refundId });
  });

  it("refunds what is left after a partial Dashboard refund", async () => {
    const sessionId = await paidSession();
    standin.refundFromDashboard(sessionId, { amount: 345 });
    const outcome = await provider.refund({ sessionId, reason: "admin" });
    expect(outcome.kind).toBe("refunded");
    const refund = standin.account.refunds.get((outcome as { refundId: string }).refundId)!;
    expect(refund.amount).toBe(12_000);
  });

  it("refunds part of the payment when given an amount, once: a repeat returns the first, bad amounts asserted", async () => {
    const sessionId = await paidSession();
    standin.refundFromDashboard(sessionId, { amount: 345 }); // by hand: not the shop's refund
    for (const amountCents of [0, 12_346])
      await expect(provider.refund({ sessionId, reason: "bad", amountCents })).rejects.toBeInstanceOf(AssertionError);
    const outcome = await provider.refund({ sessionId, reason: "a ticket was resold", amountCents: 5_000 });
    expect(outcome.kind).toBe("refunded");
    const refundId = (outcome as { refundId: string }).refundId;
    expect(standin.account.refunds.get(refundId)!.amount).toBe(5_000);
    expect(await provider.refund({ sessionId, reason: "again", amountCents: 4_000 })).toEqual(outcome);
    expect(await provider.refund({ sessionId, reason: "in full" })).toEqual(outcome);
    expect([...standin.account.refunds.values()].filter((r) => r.payment_intent === pi(sessionId))).toHaveLength(2);
  });

  it("does not refund an async payment still pending, and does once it has arrived", async () => {
    const { sessionId } = await provider.createSession(input());
    standin.complete(sessionId, { async: true });
    expect(await provider.refund({ sessionId, reason: "x" })).toEqual({
      kind: "not_refundable",
      reason: "not_succeeded",
    });
    standin.succeedAsync(sessionId);
    expect((await provider.refund({ sessionId, reason: "x" })).kind).toBe("refunded");
  });
});

describe("failures", () => {
  const unavailable = [
    ["a 500", { status: 500, body: '{"error":{"type":"api_error","message":"Something went wrong"}}' }],
    ["a 503", { status: 503, body: '{"error":{"type":"api_error","message":"Service unavailable"}}' }],
    [
      "a 429",
      { status: 429, body: '{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many"}}' },
    ],
    [
      "a 409 (the same key still in flight)",
      {
        status: 409,
        body: '{"error":{"type":"idempotency_error","message":"There is currently another in-progress request"}}',
      },
    ],
    ["a proxy's HTML 502", { status: 502, body: "<html>Bad gateway</html>", contentType: "text/html" }],
  ] as const;

  it.each(unavailable)("reads %s as unavailable, for both calls", async (_name, answer) => {
    standin.failNext(answer);
    await expect(provider.createSession(input())).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    const { sessionId } = await provider.createSession(input());
    standin.complete(sessionId);
    standin.failNext(answer);
    await expect(provider.refund({ sessionId, reason: "x" })).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
  });

  it("fails loudly on a wrong key or a request Stripe refuses", async () => {
    const wrong = new StripeProvider({ ...standin.connection(), apiKey: "sk_test_not_the_key" });
    try {
      const refused = await wrong.createSession(input()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(refused).not.toBeInstanceOf(PaymentProviderUnavailableError);
      expect((refused as Error).message).toMatch(/HTTP 401.*secret key/);
    } finally {
      wrong.close();
    }
    standin.failNext({ status: 400, body: '{"error":{"type":"invalid_request_error","message":"Invalid currency"}}' });
    const invalid = await provider.createSession(input()).catch((e: unknown) => e);
    expect(invalid).not.toBeInstanceOf(PaymentProviderUnavailableError);
    expect((invalid as Error).message).toMatch(/HTTP 400: Invalid currency/);
  });

  it("gives up on a Stripe that takes the connection but never answers, within its timeout", async () => {
    const sockets: Array<import("node:net").Socket> = [];
    const blackhole: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    const port = (blackhole.address() as { port: number }).port;
    const slow = new StripeProvider({ ...standin.connection(), port, timeoutMs: 200 });
    try {
      await expect(slow.createSession(input())).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    } finally {
      slow.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });
});

describe("the stand-in answers as Stripe does", () => {
  it("404 resource_missing in Stripe's envelope; the same key with other parameters is idempotency_error", async () => {
    const { stripe, close } = createStripeClient(standin.connection());
    try {
      const missing = await stripe.checkout.sessions.retrieve("cs_test_nope").catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
      const params = (amount: number) => ({
        mode: "payment" as const,
        line_items: [
          { quantity: 1, price_data: { currency: "usd", unit_amount: amount, product_data: { name: "x" } } },
        ],
        success_url: "http://shop.test/ok",
      });
      const first = await stripe.checkout.sessions.create(params(100), { idempotencyKey: "k-standin-1" });
      expect((await stripe.checkout.sessions.create(params(100), { idempotencyKey: "k-standin-1" })).id).toBe(first.id);
      const other = await stripe.checkout.sessions
        .create(params(101), { idempotencyKey: "k-standin-1" })
        .catch((e: unknown) => e);
      expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    } finally {
      close();
    }
  });
});
