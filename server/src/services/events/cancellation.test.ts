// Goal: a cancellation's progress reads right from its figures — refunding while an order is left
// to refund, done (with when the last was settled) once none is.
import { describe, expect, it } from "vitest";
import { cancellationView } from "./cancellation.js";

const startedAt = new Date("2031-01-01T10:00:00Z");

describe("cancellation progress", () => {
  it("is refunding while any paid order is left, with no finish time", () => {
    const row = { startedAt, paidOrders: 3, refunded: 1, failed: 1, pending: 1, lastSettledAt: new Date() };
    expect(cancellationView("e", row)).toMatchObject({ status: "refunding", finishedAt: null, refunded: 1, failed: 1 });
  });

  it("is done once none is left, finished when the last was settled (or at once with no paid order)", () => {
    const last = new Date("2031-01-01T10:00:05Z");
    const row = { startedAt, paidOrders: 2, refunded: 2, failed: 0, pending: 0, lastSettledAt: last };
    expect(cancellationView("e", row)).toEqual({
      eventId: "e",
      status: "done",
      paidOrders: 2,
      refunded: 2,
      failed: 0,
      startedAt: startedAt.toISOString(),
      finishedAt: last.toISOString(),
    });
    const none = { ...row, paidOrders: 0, refunded: 0, lastSettledAt: null };
    expect(cancellationView("e", none).finishedAt).toBe(startedAt.toISOString());
  });
});
