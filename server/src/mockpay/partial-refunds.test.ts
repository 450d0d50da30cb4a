// Goal: MockPay refunds part of a session when asked (the shop's refund of an order with a resold
// ticket): the amount is stored and carried by the one refund.succeeded event; the first refund
// decides the amount (a repeat returns it, whatever it asks); an amount of 0, a fraction or more
// than the session captured is refused as the caller's bug — asserted in process, 422 over the API
// and asserted again by the shop's client — and refunds nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssertionError } from "@stampede/shared/assert";
import { json } from "../../test/support/services.js";
import {
  completeViaApi,
  eventRows,
  harnessApiKey,
  newSession,
  startMockPayHarness,
  type MockPayHarness,
} from "../../test/support/mockpay.js";
import { MockPayClient } from "../payments/mockpay-client.js";

let h: MockPayHarness;
let client: MockPayClient;
beforeAll(async () => {
  h = await startMockPayHarness();
  client = new MockPayClient({ baseUrl: h.url, apiKey: harnessApiKey });
});
afterAll(async () => {
  client?.close();
  await h?.close();
});

async function paidSession(amountCents: number): Promise<string> {
  const s = await newSession(h, amountCents);
  expect((await completeViaApi(h, s.sessionId, "succeeded")).status).toBe(200);
  return s.sessionId;
}

const storedRefunds = async (sessionId: string) =>
  (
    await h.pool.query<{ id: string; amount_cents: string }>(
      "SELECT id, amount_cents FROM mockpay_refunds WHERE session_id = $1",
      [sessionId],
    )
  ).rows.map((r) => ({ id: r.id, amountCents: Number(r.amount_cents) }));

describe("partial refund", () => {
  it("refunds the amount asked: stored, in the one refund.succeeded event, and a repeat returns the first", async () => {
    const sessionId = await paidSession(10_000);
    const first = await h.mockpay.provider.refund({ sessionId, reason: "seat resold", amountCents: 5_000 });
    expect(first).toEqual({ kind: "refunded", refundId: expect.stringMatching(/^re_/) });
    // A repeat, in full or for another amount, is the first refund (the first decides the amount).
    expect(await h.mockpay.provider.refund({ sessionId, reason: "again" })).toEqual(first);
    expect(await client.refund({ sessionId, reason: "again", amountCents: 7_000 })).toEqual(first);
    expect(await storedRefunds(sessionId)).toEqual([
      { id: first.kind === "refunded" ? first.refundId : "", amountCents: 5_000 },
    ]);
    const refunds = (await eventRows(h, sessionId)).filter((e) => e.type === "refund.succeeded");
    expect(refunds.map((e) => e.payload)).toEqual([
      {
        id: refunds[0]!.id,
        type: "refund.succeeded",
        created: expect.any(Number),
        data: { sessionId, orderId: expect.any(String), amountCents: 5_000, currency: "USD" },
      },
    ]);
    const view = await json(await fetch(`${h.url}/mockpay/api/sessions/${sessionId}`));
    expect(view.refund).toMatchObject({ amountCents: 5_000 });
  });

  it("refunds over its API through the shop's client; the whole amount is a refund like any other", async () => {
    const sessionId = await paidSession(3_000);
    const refund = await client.refund({ sessionId, reason: "partly", amountCents: 3_000 });
    expect(refund.kind).toBe("refunded");
    expect((await storedRefunds(sessionId)).map((r) => r.amountCents)).toEqual([3_000]);
    const [event] = (await eventRows(h, sessionId)).filter((e) => e.type === "refund.succeeded");
    expect((event?.payload as { data: { amountCents: number } }).data.amountCents).toBe(3_000);
  });

  it("refuses 0, a fraction or more than captured as the caller's bug, and refunds nothing", async () => {
    const sessionId = await paidSession(2_000);
    for (const amountCents of [0, -1, 10.5, 2_001]) {
      await expect(h.mockpay.provider.refund({ sessionId, reason: "bad", amountCents })).rejects.toBeInstanceOf(
        AssertionError,
      );
      await expect(client.refund({ sessionId, reason: "bad", amountCents })).rejects.toBeInstanceOf(AssertionError);
      const res = await fetch(`${h.url}/mockpay/api/sessions/${sessionId}/refund`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${harnessApiKey}` },
        body: JSON.stringify({ reason: "bad", amountCents }),
      });
      expect([amountCents, res.status]).toEqual([amountCents, 422]);
    }
    expect(await storedRefunds(sessionId)).toEqual([]);
    expect((await eventRows(h, sessionId)).map((e) => e.type)).toEqual(["payment.succeeded"]);
    // The session is still refundable, in full.
    expect((await h.mockpay.provider.refund({ sessionId, reason: "good" })).kind).toBe("refunded");
    expect((await storedRefunds(sessionId)).map((r) => r.amountCents)).toEqual([2_000]);
  });

  it("does not refund a session never paid, whatever the amount", async () => {
    const s = await newSession(h, 1_000);
    expect(await client.refund({ sessionId: s.sessionId, reason: "x", amountCents: 500 })).toEqual({
      kind: "not_refundable",
      reason: "not_succeeded",
    });
  });
});
