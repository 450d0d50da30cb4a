// Conformance, part 1: sessions and their outcomes. One session per order (also when a retried
// hold reads its payBy back a little off); each way a session can end gives exactly one event of
// the shop's, naming the right order, session, amount and currency; a payment after the shop's
// payBy is still a payment (the shop's late-payment case).
import { expect, it } from "vitest";
import { AssertionError } from "@stampede/shared/assert";
import type { PaymentEventType } from "@stampede/shared/ports/payment-provider";
import { waitFor } from "../mockpay.js";
import type { Outcome, ProviderUnderTest } from "./driver.js";
import { eventsOf, orderInput, parsedSince } from "./observe.js";

const eventType: Record<Outcome, PaymentEventType> = {
  succeeded: "payment.succeeded",
  failed: "payment.failed",
  canceled: "payment.canceled",
};

export function sessionCases(under: () => ProviderUnderTest): void {
  it("opens one session per order: a repeat is the same session, a changed amount the caller's bug", async () => {
    const order = orderInput();
    const first = await under().provider.createSession(order);
    expect(first.sessionId).toMatch(/^[\x21-\x7e]{1,128}$/);
    expect(new URL(first.paymentUrl).protocol).toMatch(/^https?:$/);
    expect(await under().provider.createSession(order)).toEqual(first);
    await expect(under().provider.createSession({ ...order, amountCents: 4_201 })).rejects.toBeInstanceOf(
      AssertionError,
    );
    const other = await under().provider.createSession(orderInput());
    expect(other.sessionId).not.toBe(first.sessionId);
  });

  it("gives the same session to a retried hold whose payBy moved a few milliseconds (read back from the ledger)", async () => {
    // Just before a round five minutes, then just after: an expiry rounded from payBy changes there.
    const edge = Math.ceil((Date.now() + 10 * 60_000) / 300_000) * 300_000;
    const order = orderInput({ payBy: new Date(edge - 2).toISOString() });
    const first = await under().provider.createSession(order);
    expect(await under().provider.createSession({ ...order, payBy: new Date(edge + 3).toISOString() })).toEqual(first);
  });

  it("gives the session again once it was paid (a hold retried after the fan paid)", async () => {
    const order = orderInput();
    const session = await under().provider.createSession(order);
    await under().drive(session.sessionId, "succeeded");
    expect((await under().provider.createSession(order)).sessionId).toBe(session.sessionId);
    await under().settled([session.sessionId]);
  });

  it.each(["succeeded", "failed", "canceled"] as const)(
    "%s: exactly one event of the shop's, with the order, session, amount and currency",
    async (outcome) => {
      const order = orderInput({ amountCents: 12_345, currency: "EUR" });
      const since = under().receiver.deliveries.length;
      const { sessionId } = await under().provider.createSession(order);
      await under().drive(sessionId, outcome);
      await waitFor("the outcome's delivery", async () => (await eventsOf(under(), sessionId, since)).length > 0);
      await under().settled([sessionId]);
      const events = await eventsOf(under(), sessionId, since);
      expect(events).toEqual([
        {
          id: expect.any(String),
          type: eventType[outcome],
          created: expect.any(Number),
          data: { sessionId, orderId: order.orderId, amountCents: 12_345, currency: "EUR" },
        },
      ]);
      expect(Math.abs(events[0]!.created - Date.now() / 1000)).toBeLessThan(60);
      // Whatever else the provider reported about the session was acknowledged, not refused.
      const refused = (await parsedSince(under(), since)).filter((p) => p.parsed.kind === "refused");
      expect(refused).toEqual([]);
    },
  );

  it("a payment after the shop's payBy is still a succeeded event (the late-payment case)", async () => {
    const payByMs = Date.now() + 1_000;
    const order = orderInput({ payBy: new Date(payByMs).toISOString() });
    const since = under().receiver.deliveries.length;
    const { sessionId } = await under().provider.createSession(order);
    await waitFor("the hold's end to pass", () => Date.now() > payByMs);
    await under().drive(sessionId, "succeeded");
    await waitFor("the payment's delivery", async () => (await eventsOf(under(), sessionId, since)).length > 0);
    await under().settled([sessionId]);
    expect((await eventsOf(under(), sessionId, since)).map((e) => e.type)).toEqual(["payment.succeeded"]);
  });
}
