// Goal: the event page knows the fan's current order — a live hold (with its payment link and
// countdown) before a paid one — and what is left of their per-fan limit; it reads them again when
// the page comes back from the back/forward cache, when a hold runs out, and renews a refused token.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { currentOrder, FanOrders, type FanOrdersView } from "./fan-orders.svelte.js";
import { apiError, fakeFetch, fakeSession, json } from "./test-support.js";
import type { OrderView } from "./views.js";

const t0 = Date.parse("2030-03-14T18:00:00Z");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(t0);
});
afterEach(() => vi.useRealTimers());

function order(over: Partial<OrderView> = {}): OrderView {
  return {
    orderId: "o1",
    eventId: "e1",
    status: "held",
    email: "fan@example.test",
    items: [{ classId: "c1", code: "GA", quantity: 2, unitPriceCents: 4_500 }],
    totalCents: 9_000,
    currency: "USD",
    expiresAt: new Date(t0 + 120_000).toISOString(),
    createdAt: new Date(t0).toISOString(),
    paidAt: null,
    paymentUrl: "http://x/mockpay/checkout/s1",
    tickets: [],
    perks: [],
    ...over,
  };
}

function setup(first: FanOrdersView) {
  let answer = first;
  let returns: (() => void) | null = null;
  const fetch = fakeFetch((call) => {
    if (call.path !== "/api/events/e1/orders/mine") return apiError(404, "not_found");
    if (call.headers.Authorization === "Bearer token-1" && answer.orders.some((o) => o.orderId === "stale-token"))
      return apiError(401, "unauthorized");
    return json(200, answer);
  });
  const session = fakeSession();
  const orders = new FanOrders({
    api: createApi({ fetch }),
    session,
    eventId: "e1",
    pageReturns: (run) => {
      returns = run;
      return () => (returns = null);
    },
  });
  return {
    orders,
    fetch,
    session,
    set: (v: FanOrdersView) => (answer = v),
    pageReturn: () => returns?.(),
    listening: () => returns !== null,
  };
}

const view = (orders: OrderView[], remaining = 6): FanOrdersView => ({
  eventId: "e1",
  perFanMax: 6,
  remaining,
  orders,
});

describe("currentOrder", () => {
  it("is a live hold first, else the newest paid order, else nothing", () => {
    const paid = order({ orderId: "p1", status: "paid", paymentUrl: undefined });
    const held = order({ orderId: "h1" });
    const gone = order({ orderId: "h0", expiresAt: new Date(t0 - 1).toISOString() });
    expect(currentOrder([held, paid], t0)?.orderId).toBe("h1");
    expect(currentOrder([gone, paid], t0)?.orderId).toBe("p1");
    expect(currentOrder([order({ status: "expired" }), order({ status: "cancelled" })], t0)).toBeNull();
    expect(currentOrder([], t0)).toBeNull();
  });
});

describe("FanOrders", () => {
  it("shows the held order with its countdown and what is left of the per-fan limit", async () => {
    const { orders, fetch } = setup(view([order()], 4));
    await orders.start();
    expect(fetch.calls[0]?.headers.Authorization).toBe("Bearer token-1");
    expect(orders.current?.orderId).toBe("o1");
    expect(orders.current?.paymentUrl).toBe("http://x/mockpay/checkout/s1");
    expect(orders.remaining).toBe(4);
    expect(orders.holdRemainingMs).toBe(120_000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(orders.holdRemainingMs).toBe(90_000);
    orders.destroy();
  });

  it("reads again when the page comes back from the back/forward cache: the hold is now paid", async () => {
    const { orders, set, pageReturn, listening } = setup(view([order()], 4));
    await orders.start();
    set(view([order({ status: "paid", paymentUrl: undefined, paidAt: new Date(t0).toISOString() })], 4));
    pageReturn();
    await vi.waitFor(() => expect(orders.current?.status).toBe("paid"));
    expect(orders.holdRemainingMs).toBeNull();
    orders.destroy();
    expect(listening()).toBe(false);
  });

  it("reads once more after a hold runs out, and gives the allowance back", async () => {
    const { orders, fetch, set } = setup(view([order()], 4));
    await orders.start();
    set(view([order({ status: "expired", paymentUrl: undefined })], 6));
    await vi.advanceTimersByTimeAsync(119_000);
    expect(fetch.calls).toHaveLength(1);
    expect(orders.current?.orderId).toBe("o1");
    await vi.advanceTimersByTimeAsync(4_000);
    expect(orders.current).toBeNull(); // past its time on our clock: not shown as payable
    await vi.waitFor(() => expect(orders.remaining).toBe(6));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch.calls).toHaveLength(2);
    orders.destroy();
  });

  it("renews a refused fan token once", async () => {
    const { orders, session } = setup(view([order({ orderId: "stale-token" })], 4));
    await orders.start();
    expect(session.renewals).toBe(1);
    expect(orders.current?.orderId).toBe("stale-token");
    orders.destroy();
  });

  it("keeps the error and shows nothing when the server does not answer", async () => {
    const fetch = fakeFetch(() => apiError(503, "not_ready"));
    const orders = new FanOrders({ api: createApi({ fetch }), session: fakeSession(), eventId: "e1" });
    await orders.start();
    expect(orders.error?.code).toBe("not_ready");
    expect(orders.current).toBeNull();
    expect(orders.remaining).toBeNull();
    orders.destroy();
  });
});
