// Conformance, part 2: refunds. A paid session is refunded once, whatever the repeats (the first
// refund comes back), and reported by exactly one refund.succeeded; a session never paid, or none
// at all, is not refundable, for the port's reason. A partial refund is once too (the first decides
// the amount), and an amount outside 1..captured is the caller's bug, asserted.
import { expect, it } from "vitest";
import { AssertionError } from "@stampede/shared/assert";
import { closedPort } from "../services.js";
import { PaymentProviderUnavailableError } from "@stampede/shared/ports/payment-provider";
import type { ProviderUnderTest } from "./driver.js";
import { eventsOf, orderInput, waitForEvent } from "./observe.js";

export function refundCases(under: () => ProviderUnderTest): void {
  it("refunds a paid session once: one refund.succeeded, and a repeat returns the first refund", async () => {
    const order = orderInput({ amountCents: 9_900 });
    const since = under().receiver.deliveries.length;
    const { sessionId } = await under().provider.createSession(order);
    await under().drive(sessionId, "succeeded");
    await waitForEvent(under(), sessionId, "payment.succeeded", since);
    const first = await under().provider.refund({ sessionId, reason: "late payment: no tickets left" });
    expect(first).toEqual({ kind: "refunded", refundId: expect.any(String) });
    expect(await under().provider.refund({ sessionId, reason: "admin refund" })).toEqual(first);
    await waitForEvent(under(), sessionId, "refund.succeeded", since);
    await under().settled([sessionId]);
    expect(await under().provider.refund({ sessionId, reason: "once more" })).toEqual(first);
    await under().settled([sessionId]);
    const refunds = (await eventsOf(under(), sessionId, since)).filter((e) => e.type === "refund.succeeded");
    expect(refunds).toEqual([
      {
        id: expect.any(String),
        type: "refund.succeeded",
        created: expect.any(Number),
        data: { sessionId, orderId: order.orderId, amountCents: 9_900, currency: "USD" },
      },
    ]);
  });

  it("refunds part of a paid session once: the first refund decides, bad amounts are asserted", async () => {
    const order = orderInput({ amountCents: 9_900 });
    const since = under().receiver.deliveries.length;
    const { sessionId } = await under().provider.createSession(order);
    await under().drive(sessionId, "succeeded");
    await waitForEvent(under(), sessionId, "payment.succeeded", since);
    for (const amountCents of [0, 9_901])
      await expect(under().provider.refund({ sessionId, reason: "bad", amountCents })).rejects.toBeInstanceOf(
        AssertionError,
      );
    const first = await under().provider.refund({ sessionId, reason: "a ticket was resold", amountCents: 4_000 });
    expect(first).toEqual({ kind: "refunded", refundId: expect.any(String) });
    expect(await under().provider.refund({ sessionId, reason: "in full" })).toEqual(first);
    expect(await under().provider.refund({ sessionId, reason: "other", amountCents: 1_000 })).toEqual(first);
    await under().settled([sessionId]);
    // A provider reports a partial refund with its amount, or not as a refund of the session at all
    // (Stripe: a charge partly refunded is ignored) — never as the whole amount.
    const refunds = (await eventsOf(under(), sessionId, since)).filter((e) => e.type === "refund.succeeded");
    expect(refunds.length).toBeLessThanOrEqual(1);
    for (const refund of refunds)
      expect(refund.data).toEqual({ sessionId, orderId: order.orderId, amountCents: 4_000, currency: "USD" });
  });

  it("does not refund a session never paid, nor one that does not exist", async () => {
    const refund = (sessionId: string) => under().provider.refund({ sessionId, reason: "test" });
    const open = await under().provider.createSession(orderInput());
    expect(await refund(open.sessionId)).toEqual({ kind: "not_refundable", reason: "not_succeeded" });
    const ended: string[] = [];
    for (const outcome of ["failed", "canceled"] as const) {
      const { sessionId } = await under().provider.createSession(orderInput());
      await under().drive(sessionId, outcome);
      ended.push(sessionId);
      expect(await refund(sessionId)).toEqual({ kind: "not_refundable", reason: "not_succeeded" });
    }
    await under().settled(ended);
    expect(await refund(under().unknownSessionId)).toEqual({ kind: "not_refundable", reason: "unknown_session" });
    expect(await refund("not-a-session")).toEqual({ kind: "not_refundable", reason: "unknown_session" });
  });

  it("is unavailable, not wrong, when the provider does not answer", async () => {
    const down = under().unreachable(await closedPort());
    try {
      await expect(down.createSession(orderInput())).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
      await expect(down.refund({ sessionId: under().unknownSessionId, reason: "x" })).rejects.toBeInstanceOf(
        PaymentProviderUnavailableError,
      );
    } finally {
      down.close();
    }
  });
}
