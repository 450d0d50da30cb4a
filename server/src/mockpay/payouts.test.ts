// Goal: MockPay's payouts keep the port's promise: one payout per payoutKey, paid at once — a repeat
// (also concurrent, also over HTTP and through the shop's MockPayClient) returns the first payout; a
// repeat for another amount or currency is the caller's bug (409 over HTTP, asserted in process);
// bad input and a missing key are refused with an error code and store nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssertionError } from "@stampede/shared/assert";
import { PaymentProviderUnavailableError, type PayoutInput } from "@stampede/shared/ports/payment-provider";
import { closedPort, json } from "../../test/support/services.js";
import { harnessApiKey, startMockPayHarness, type MockPayHarness } from "../../test/support/mockpay.js";
import { MockPayClient } from "../payments/mockpay-client.js";

let h: MockPayHarness;
beforeAll(async () => {
  h = await startMockPayHarness();
});
afterAll(async () => {
  await h?.close();
});

let keys = 0;
const payoutInput = (over: Partial<PayoutInput> = {}): PayoutInput => ({
  payoutKey: `listing-${process.pid}-${++keys}`,
  amountCents: 4_500,
  currency: "EUR",
  recipient: "0190c1f4-0000-7000-8000-000000000001",
  description: "resale payout",
  ...over,
});

function postPayout(body: unknown, apiKey: string | null = harnessApiKey): Promise<Response> {
  return fetch(`${h.url}/mockpay/api/payouts`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function payoutRows(payoutKey: string) {
  const { rows } = await h.pool.query<{ id: string; amount_cents: string; currency: string; recipient: string }>(
    "SELECT id, amount_cents, currency, recipient FROM mockpay_payouts WHERE payout_key = $1",
    [payoutKey],
  );
  return rows.map((r) => ({ ...r, amount_cents: Number(r.amount_cents) }));
}

describe("POST /mockpay/api/payouts", () => {
  it("pays once per key: a repeat returns the first payout; another amount or currency is refused 409", async () => {
    const input = payoutInput();
    const first = await postPayout(input);
    expect(first.status).toBe(200);
    const paid = await json(first);
    expect(paid).toEqual({ payoutId: expect.stringMatching(/^po_[0-9a-f]{32}$/), status: "paid" });
    const again = await postPayout(input);
    expect([again.status, await json(again)]).toEqual([200, paid]);
    for (const changed of [{ amountCents: 4_501 }, { currency: "USD" }]) {
      const refused = await postPayout({ ...input, ...changed });
      expect(refused.status).toBe(409);
      expect((await json(refused)).error.code).toBe("conflict");
    }
    expect(await payoutRows(input.payoutKey)).toEqual([
      { id: paid.payoutId, amount_cents: 4_500, currency: "EUR", recipient: input.recipient },
    ]);
  });

  it("refuses bad input and a missing or wrong key with an error code, storing nothing", async () => {
    const bad: Array<[unknown, number, string]> = [
      [{ ...payoutInput(), amountCents: 0 }, 422, "invalid_request"],
      [{ ...payoutInput(), amountCents: 10.5 }, 422, "invalid_request"],
      [{ ...payoutInput(), amountCents: "4500" }, 422, "invalid_request"],
      [{ ...payoutInput(), currency: "eur" }, 422, "invalid_request"],
      [{ ...payoutInput(), payoutKey: "" }, 422, "invalid_request"],
      [{ ...payoutInput(), payoutKey: "nul\u0000key" }, 422, "invalid_request"],
      [{ ...payoutInput(), recipient: undefined }, 422, "invalid_request"],
    ];
    const answers = await Promise.all(bad.map(([body]) => postPayout(body)));
    const got = await Promise.all(answers.map(async (a) => [a.status, (await json(a)).error?.code]));
    expect(got).toEqual(bad.map(([, status, code]) => [status, code]));
    const anonymous = payoutInput();
    const unauthorized = [await postPayout(anonymous, null), await postPayout(anonymous, "sk_not_the_key_0123456789")];
    expect(unauthorized.map((a) => a.status)).toEqual([401, 401]);
    expect((await json(unauthorized[0]!)).error.code).toBe("unauthorized");
    const keysTried = [...bad.map(([body]) => (body as PayoutInput).payoutKey), anonymous.payoutKey];
    const { rows } = await h.pool.query("SELECT count(*)::int AS n FROM mockpay_payouts WHERE payout_key = ANY($1)", [
      keysTried.filter((k) => typeof k === "string" && !k.includes("\u0000")),
    ]);
    expect(rows[0].n).toBe(0);
  });
});

describe("payout (the port)", () => {
  it("gives one payout per key even when called concurrently, and asserts on a changed amount", async () => {
    const input = payoutInput();
    const payouts = await Promise.all(Array.from({ length: 8 }, () => h.mockpay.provider.payout!(input)));
    expect(new Set(payouts.map((p) => p.payoutId)).size).toBe(1);
    expect(await payoutRows(input.payoutKey)).toHaveLength(1);
    await expect(h.mockpay.provider.payout!({ ...input, amountCents: 1 })).rejects.toBeInstanceOf(AssertionError);
    await expect(h.mockpay.provider.payout!({ ...payoutInput(), amountCents: 0 })).rejects.toThrow(/amountCents/);
  });

  it("through the shop's MockPayClient: the same payout on a repeat; a conflict asserted; unavailable when down", async () => {
    const client = new MockPayClient({ baseUrl: h.url, apiKey: harnessApiKey });
    const down = new MockPayClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: harnessApiKey });
    try {
      const input = payoutInput();
      const first = await client.payout(input);
      expect(first.payoutId).toMatch(/^po_/);
      expect(await client.payout(input)).toEqual(first);
      expect(await h.mockpay.provider.payout!(input)).toEqual(first);
      await expect(client.payout({ ...input, currency: "USD" })).rejects.toBeInstanceOf(AssertionError);
      await expect(down.payout(payoutInput())).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    } finally {
      client.close();
      down.close();
    }
  });
});
