// Goal: the shop's HTTP client for MockPay keeps the PaymentProvider port's promises against a real
// MockPay app: a repeated session for an order is the same session; refunds answer refunded (the
// same refund on a repeat) or not_refundable with the port's reasons; a wrong key fails loudly (a
// misconfiguration, not an outage); a provider that is not there is "unavailable" (503 upstream).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssertionError } from "@stampede/shared/assert";
import { closedPort } from "../../test/support/services.js";
import { completeViaApi, harnessApiKey, startMockPayHarness, type MockPayHarness } from "../../test/support/mockpay.js";
import { MockPayClient } from "./mockpay-client.js";
import { PaymentProviderUnavailableError, type CreateSessionInput } from "@stampede/shared/ports/payment-provider";

let h: MockPayHarness;
let client: MockPayClient;
let orders = 0;

beforeAll(async () => {
  h = await startMockPayHarness();
  client = new MockPayClient({ baseUrl: h.url, apiKey: harnessApiKey });
});
afterAll(async () => {
  client?.close();
  await h?.close();
});

const input = (over: Partial<CreateSessionInput> = {}): CreateSessionInput => ({
  orderId: `client-order-${process.pid}-${++orders}`,
  amountCents: 2_500,
  currency: "EUR",
  description: "2 × GA",
  returnUrl: "http://shop.test/orders/x#token=t",
  payBy: new Date(Date.now() + 60_000).toISOString(),
  ...over,
});

describe("MockPayClient", () => {
  it("opens one session per order, and refuses a changed amount as the caller's bug", async () => {
    const order = input();
    const first = await client.createSession(order);
    expect(first.paymentUrl).toBe(`${h.url}/mockpay/checkout/${first.sessionId}`);
    expect(await client.createSession(order)).toEqual(first);
    await expect(client.createSession({ ...order, amountCents: 2_501 })).rejects.toBeInstanceOf(AssertionError);
  });

  it("refunds a paid session once, and says why it cannot refund the others", async () => {
    const open = await client.createSession(input());
    const refund = (sessionId: string) => client.refund({ sessionId, reason: "test" });
    expect(await refund(open.sessionId)).toEqual({ kind: "not_refundable", reason: "not_succeeded" });
    expect(await refund(`ps_${"0".repeat(32)}`)).toEqual({ kind: "not_refundable", reason: "unknown_session" });
    expect(await refund("not-a-session")).toEqual({ kind: "not_refundable", reason: "unknown_session" });
    expect((await completeViaApi(h, open.sessionId, "succeeded")).status).toBe(200);
    const refunded = await client.refund({ sessionId: open.sessionId, reason: "late payment" });
    expect(refunded).toMatchObject({ kind: "refunded", refundId: expect.stringMatching(/^re_/) });
    expect(await client.refund({ sessionId: open.sessionId, reason: "again" })).toEqual(refunded);
  });

  it("fails loudly on a wrong key, and as unavailable when nothing answers", async () => {
    const wrong = new MockPayClient({ baseUrl: h.url, apiKey: "sk_not_the_key_0123456789" });
    const down = new MockPayClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: harnessApiKey });
    try {
      const refused = await wrong.createSession(input()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(refused).not.toBeInstanceOf(PaymentProviderUnavailableError);
      expect((refused as Error).message).toMatch(/HTTP 401.*MOCKPAY_API_KEY/);
      await expect(down.createSession(input())).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
      await expect(down.refund({ sessionId: `ps_${"0".repeat(32)}`, reason: "x" })).rejects.toBeInstanceOf(
        PaymentProviderUnavailableError,
      );
    } finally {
      wrong.close();
      down.close();
    }
  });
});
