// Goal: the purchase page reads the purchase, reads it again every 2 s while it is locked and stops
// once it settles (or the page is left), links a paid one to the buyer's new order, counts the
// lock down, and tells signed out, someone else's purchase and a failed read apart.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { PurchaseTracker } from "./resale-purchase.svelte.js";
import { purchase } from "./resale-test-support.js";
import { apiError, fakeFetch, json, type Responder } from "./test-support.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

function setup(responder: Responder, outcome: string | null = null) {
  const fetch = fakeFetch(responder);
  const tracker = new PurchaseTracker({ api: createApi({ fetch }), purchaseId: "p1", outcome });
  return { tracker, fetch };
}

describe("PurchaseTracker", () => {
  it("polls every 2 s while locked and stops once paid, linking the new order", async () => {
    let reads = 0;
    const { tracker, fetch } = setup(() => {
      reads += 1;
      return json(
        200,
        reads < 3
          ? purchase()
          : purchase({ status: "paid", paymentUrl: null, order: { orderId: "o9", orderToken: "t k" } }),
      );
    });
    await tracker.start();
    expect(fetch.calls[0]?.path).toBe("/api/resale/purchases/p1");
    expect(tracker.phase).toBe("locked");
    expect(tracker.lockRemainingMs).toBe(300_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tracker.lockRemainingMs).toBe(299_000);
    expect(reads).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tracker.phase).toBe("paid");
    expect(tracker.orderHref).toBe("/orders/o9#token=t%20k");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads).toBe(3);
    tracker.destroy();
  });

  it("is confirming while locked after paying, and stops polling when the page is left", async () => {
    const { tracker, fetch } = setup(() => json(200, purchase()), "succeeded");
    await tracker.start();
    expect(tracker.phase).toBe("confirming");
    tracker.destroy();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch.calls).toHaveLength(1);
  });

  it("shows how an unpaid purchase ended", async () => {
    for (const status of ["expired", "failed", "refunded"] as const) {
      const { tracker } = setup(() => json(200, purchase({ status, paymentUrl: null })));
      await tracker.start();
      expect(tracker.phase).toBe(status);
      tracker.destroy();
    }
  });

  it("tells signed out, not found and a failed read apart; a failed read of a locked one is retried", async () => {
    for (const [answer, phase] of [
      [apiError(401, "not_signed_in"), "signed_out"],
      [apiError(404, "not_found"), "not_found"],
      [apiError(500, "internal_error"), "load_failed"],
    ] as const) {
      const { tracker } = setup(() => answer);
      await tracker.start();
      expect(tracker.phase).toBe(phase);
      tracker.destroy();
    }
    let n = 0;
    const { tracker } = setup(() => ((n += 1) === 2 ? apiError(503, "not_ready") : json(200, purchase())));
    await tracker.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect([n, tracker.phase]).toEqual([2, "locked"]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(n).toBe(3);
    tracker.destroy();
  });
});
