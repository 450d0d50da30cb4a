// Goal: Stripe's events become the shop's as the mapping table in webhooks.ts says — a paid
// completion or a settled async payment is a payment, a pending one nothing yet, a failed async
// payment a decline, an expiry a cancel, a charge refunded in full the session's refund (found
// through the payment, as a charge names no session) — and nothing else changes anything: other
// types, other integrations' sessions, partial refunds are acknowledged as ignored. Verification is
// the SDK's: any configured secret (rotation), the tolerance, the exact bytes. The events are the
// stand-in's, made by the same moves a fan, a bank or the Dashboard makes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentProviderUnavailableError, type ParsedDelivery } from "@stampede/shared/ports/payment-provider";
import { waitFor } from "../../../test/support/mockpay.js";
import { startDeliveryReceiver, type DeliveryReceiver } from "../../../test/support/payment-conformance/receiver.js";
import { makeEvent } from "../../../test/support/stripe-standin-objects.js";
import { startStripeStandin, type StandinEvent, type StripeStandin } from "../../../test/support/stripe-standin.js";
import { createStripeClient, type StripeClient } from "./client.js";
import { StripeProvider } from "./provider.js";
import { StripeWebhooks } from "./webhooks.js";

const secret = "whsec_webhooks_current_0123456789";
const previous = "whsec_webhooks_previous_0123456789";
let standin: StripeStandin;
let client: StripeClient;
let provider: StripeProvider;
let webhooks: StripeWebhooks;
let orders = 0;

beforeAll(async () => {
  standin = await startStripeStandin({ apiKey: "sk_test_webhooks_0123456789", webhookSecret: secret });
  client = createStripeClient(standin.connection());
  provider = new StripeProvider(standin.connection());
  webhooks = new StripeWebhooks({ secrets: () => [secret, previous], client });
});
afterAll(async () => {
  provider?.close();
  client?.close();
  await standin?.close();
});

const now = () => Math.floor(Date.now() / 1000);

async function session(): Promise<{ sessionId: string; orderId: string }> {
  const orderId = `order-webhooks-${++orders}`;
  const { sessionId } = await provider.createSession({
    orderId,
    amountCents: 4_200,
    currency: "GBP",
    description: "2 × GA",
    returnUrl: "http://shop.test/orders/x",
  });
  return { sessionId, orderId };
}

function parse(event: StandinEvent, options: { secret?: string; at?: number } = {}): Promise<ParsedDelivery> {
  const { body, header } = standin.signed(event, {
    ...(options.secret === undefined ? {} : { secret: options.secret }),
  });
  return webhooks.parse(Buffer.from(body), header, options.at ?? now());
}

/** Each event's parse, shortened to what the table says: the shop's type, or ignored, or refused. */
async function outcomes(events: StandinEvent[]): Promise<Array<[string, string]>> {
  const parsed = await Promise.all(events.map((e) => parse(e)));
  return events.map((e, i) => {
    const p = parsed[i]!;
    return [e.type, p.kind === "event" ? p.event.type : p.kind === "ignored" ? "ignored" : `refused ${p.reason}`];
  });
}

describe("the mapping table", () => {
  it("a card payment: the completed, paid session is the payment; the charge's own events are ignored", async () => {
    const { sessionId, orderId } = await session();
    const events = standin.complete(sessionId);
    expect(await outcomes(events)).toEqual([
      ["charge.succeeded", "ignored"],
      ["payment_intent.succeeded", "ignored"],
      ["checkout.session.completed", "payment.succeeded"],
    ]);
    const paid = await parse(events.at(-1)!);
    expect(paid).toEqual({
      kind: "event",
      event: {
        id: events.at(-1)!.id,
        type: "payment.succeeded",
        created: expect.any(Number),
        data: { sessionId, orderId, amountCents: 4_200, currency: "GBP" },
      },
    });
  });

  it("an async payment: nothing while pending, then the payment — or the decline", async () => {
    const settles = await session();
    const pending = standin.complete(settles.sessionId, { async: true });
    expect(await outcomes(pending)).toEqual([
      ["payment_intent.processing", "ignored"],
      ["checkout.session.completed", "ignored"],
    ]);
    expect((await outcomes(standin.succeedAsync(settles.sessionId))).at(-1)).toEqual([
      "checkout.session.async_payment_succeeded",
      "payment.succeeded",
    ]);
    const fails = await session();
    standin.complete(fails.sessionId, { async: true });
    expect(await outcomes(standin.failAsync(fails.sessionId))).toEqual([
      ["payment_intent.payment_failed", "ignored"],
      ["checkout.session.async_payment_failed", "payment.failed"],
    ]);
  });

  it("an expired session is the cancel", async () => {
    const { sessionId } = await session();
    expect(await outcomes(standin.expire(sessionId))).toEqual([["checkout.session.expired", "payment.canceled"]]);
  });

  it("a charge refunded in full is the session's refund; a partial refund is ignored", async () => {
    const { sessionId, orderId } = await session();
    standin.complete(sessionId);
    expect(await outcomes(standin.refundFromDashboard(sessionId, { amount: 200 }))).toEqual([
      ["charge.refunded", "ignored"],
      ["refund.created", "ignored"],
    ]);
    const rest = standin.refundFromDashboard(sessionId);
    expect(await outcomes(rest)).toEqual([
      ["charge.refunded", "refund.succeeded"],
      ["refund.created", "ignored"],
    ]);
    expect(await parse(rest[0]!)).toMatchObject({
      event: { id: rest[0]!.id, data: { sessionId, orderId, amountCents: 4_200, currency: "GBP" } },
    });
  });

  it("ignores what is not the shop's: other integrations' sessions, payments made without Checkout", async () => {
    const foreign = { id: "cs_test_foreign", object: "checkout.session", mode: "payment", payment_status: "paid" };
    const subscription = {
      ...foreign,
      mode: "subscription",
      client_reference_id: "someone",
      amount_total: 1,
      currency: "usd",
    };
    const charge = { id: "ch_1", object: "charge", refunded: true };
    const events = [
      makeEvent("checkout.session.completed", { ...foreign, client_reference_id: null, metadata: {} }),
      makeEvent("checkout.session.completed", subscription),
      makeEvent("charge.refunded", { ...charge, payment_intent: "pi_not_through_checkout" }),
      makeEvent("charge.refunded", { ...charge, payment_intent: null }),
      makeEvent("customer.created", { id: "cus_1", object: "customer" }),
    ];
    expect((await outcomes(events)).map(([, outcome]) => outcome)).toEqual(Array(5).fill("ignored"));
  });

  it("reads the order from the metadata when client_reference_id is gone", async () => {
    const event = makeEvent("checkout.session.expired", {
      id: "cs_test_meta",
      object: "checkout.session",
      mode: "payment",
      client_reference_id: null,
      metadata: { orderId: "order-from-metadata" },
      amount_total: 500,
      currency: "usd",
      payment_status: "unpaid",
    });
    expect(await parse(event)).toMatchObject({ kind: "event", event: { data: { orderId: "order-from-metadata" } } });
  });

  it("refuses a session of the shop's that lacks what the event needs, and a body that is no event", async () => {
    const lacking = makeEvent("checkout.session.expired", {
      id: "cs_test_lacking",
      object: "checkout.session",
      mode: "payment",
      client_reference_id: "order-1",
      payment_status: "unpaid",
      currency: "usd",
    });
    expect(await parse(lacking)).toMatchObject({ kind: "refused", reason: "invalid_payload", detail: /amount_total/ });
    const thin = {
      id: "evt_thin",
      type: "v1.billing.meter.error_report_triggered",
      body: '{"id":"evt_thin","object":"v2.core.event"}',
    };
    expect(await parse(thin)).toMatchObject({ kind: "refused", reason: "invalid_payload" });
    const noData = { id: "evt_nodata", type: "x", body: '{"id":"evt_nodata","type":"x","created":1}' };
    expect(await parse(noData)).toMatchObject({ kind: "refused", reason: "invalid_payload" });
  });

  it("is unavailable when the refunded charge's session cannot be looked up", async () => {
    const { sessionId } = await session();
    standin.complete(sessionId);
    const [refunded] = standin.refundFromDashboard(sessionId);
    standin.failNext({ status: 500, body: '{"error":{"type":"api_error","message":"down"}}' });
    await expect(parse(refunded!)).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    expect((await parse(refunded!)).kind).toBe("event");
  });
});

describe("verification", () => {
  it("takes any configured secret (a rotation), refuses others, old deliveries and changed bytes", async () => {
    const { sessionId } = await session();
    const paid = standin.complete(sessionId).at(-1)!;
    expect((await parse(paid, { secret: previous })).kind).toBe("event");
    expect(await parse(paid, { secret: "whsec_someone_else" })).toMatchObject({
      kind: "refused",
      reason: "invalid_signature",
    });
    expect(await parse(paid, { at: now() + 301 })).toMatchObject({ kind: "refused", reason: "invalid_signature" });
    const { header } = standin.signed(paid);
    const changed = Buffer.from(paid.body.replace('"amount_total": 4200', '"amount_total": 1'));
    expect(await webhooks.parse(changed, header, now())).toMatchObject({
      kind: "refused",
      reason: "invalid_signature",
    });
  });

  it("honours a shorter tolerance and reads the secrets on every delivery", async () => {
    let secrets = [secret];
    const strict = new StripeWebhooks({ secrets: () => secrets, client, toleranceSeconds: 10 });
    const event = makeEvent("customer.created", { id: "cus_2", object: "customer" });
    const { body, header } = standin.signed(event);
    expect((await strict.parse(Buffer.from(body), header, now() + 11)).kind).toBe("refused");
    expect((await strict.parse(Buffer.from(body), header, now())).kind).toBe("ignored");
    secrets = ["whsec_rotated_away"];
    expect((await strict.parse(Buffer.from(body), header, now())).kind).toBe("refused");
    expect(() => new StripeWebhooks({ secrets: () => [secret], client, toleranceSeconds: 0 })).toThrow(/tolerance/);
  });
});

describe("the stand-in's deliveries", () => {
  let receiver: DeliveryReceiver;
  beforeAll(async () => {
    receiver = await startDeliveryReceiver(webhooks.signatureHeader);
    standin.webhookUrl = receiver.url;
  });
  afterAll(async () => {
    standin.webhookUrl = undefined;
    await receiver?.close();
  });

  it("held, then sent twice and last first: every copy verifies and parses to its event", async () => {
    const { sessionId } = await session();
    const since = receiver.deliveries.length;
    const paid = standin.complete(sessionId, { hold: true });
    await provider.refund({ sessionId, reason: "test" });
    await standin.idle();
    const refundEvents = standin.events.slice(-2);
    expect(receiver.deliveries.length - since).toBe(refundEvents.length);
    standin.release({ copies: 2, reversed: true });
    await standin.idle();
    const arrived = receiver.deliveries.slice(since + refundEvents.length);
    const ids = arrived.map((d) => (JSON.parse(d.raw.toString("utf8")) as { id: string }).id);
    const reversed = [...paid].reverse().map((e) => e.id);
    expect(ids).toEqual([...reversed, ...reversed]);
    const parsed = await Promise.all(arrived.map((d) => webhooks.parse(d.raw, d.signature, now())));
    expect(parsed.map((p) => p.kind)).toEqual(["event", "ignored", "ignored", "event", "ignored", "ignored"]);
    expect(parsed[0]).toEqual(parsed[3]);
  });

  it("delivers again after the shop answers an error, as Stripe retries", async () => {
    const { sessionId } = await session();
    const since = receiver.deliveries.length;
    let refusals = 2;
    receiver.gate = async () => (refusals-- > 0 ? 500 : 200);
    try {
      standin.expire(sessionId);
      await waitFor("the accepted delivery", () => receiver.deliveries.slice(since).some((d) => d.answer === 200));
      await standin.idle();
      expect(receiver.deliveries.slice(since).map((d) => d.answer)).toEqual([500, 500, 200]);
    } finally {
      receiver.gate = async () => 200;
    }
  });
});
