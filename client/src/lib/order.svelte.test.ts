// Goal: the order page finds its token (link first, then this tab), says "confirming" after
// paying until the webhook's result shows — by polling each second or at once on order:update —
// gives up politely after the limit, cancels a hold, re-reads an order whose hold ran out, follows
// an ended order live (a late payment books it or refunds it; a paid one can be refunded) without
// claiming "nothing was charged" to a fan back from paying, and shows each QR code as an image of
// the SVG it read (one that could not be read: from its own URL).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { OrderTracker, orderToken, qrImageSrc } from "./order.svelte.js";
import { memoryStorage, storageKeys } from "./storage.js";
import { apiError, event, fakeFetch, fakeSession, fakeSockets, json } from "./test-support.js";
import type { OrderView } from "./views.js";

const t0 = Date.parse("2030-03-14T18:00:00Z");
const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><path d="M0 0h29v29H0z"/></svg>';

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
    expiresAt: new Date(t0 + 300_000).toISOString(),
    createdAt: new Date(t0).toISOString(),
    paidAt: null,
    paymentUrl: "http://x/mockpay/checkout/s1",
    tickets: [],
    perks: [],
    ...over,
  };
}

const paid = order({
  status: "paid",
  paidAt: new Date(t0).toISOString(),
  tickets: [
    {
      ticketId: "t1",
      classCode: "GA",
      code: "C1",
      shortCode: "AAAAA-BBBB1",
      qrSvgUrl: "/api/tickets/t1/qr.svg?token=tok",
      qrPngUrl: "/api/tickets/t1/qr.png?token=tok",
      checkedInAt: null,
      voided: false,
      resold: false,
    },
    {
      ticketId: "t2",
      classCode: "GA",
      code: "C2",
      shortCode: "AAAAA-BBBB2",
      qrSvgUrl: "/api/tickets/t2/qr.svg?token=tok",
      qrPngUrl: "/api/tickets/t2/qr.png?token=tok",
      checkedInAt: null,
      voided: false,
      resold: false,
    },
  ],
  perks: [{ code: "POSTER", name: "Tour poster" }],
});

/** The SVG an image source carries as a data: URL; null for any other source. */
function svgOf(src: string | null | undefined): string | null {
  const prefix = "data:image/svg+xml;charset=utf-8,";
  return src?.startsWith(prefix) ? decodeURIComponent(src.slice(prefix.length)) : null;
}

function setup(
  options: {
    outcome?: string | null;
    token?: string | null;
    orders?: () => OrderView | Response;
    fanOwns?: boolean;
  } = {},
) {
  let current: OrderView = order();
  const fetch = fakeFetch((call) => {
    if (call.path === "/api/orders/o1") {
      const fan = options.fanOwns === true && call.headers.Authorization === "Bearer token-1";
      if (call.headers.Authorization !== "Bearer tok" && !fan) return apiError(404, "not_found");
      const answer = options.orders ? options.orders() : current;
      return answer instanceof Response ? answer : json(200, answer);
    }
    if (call.path === "/api/orders/o1/cancel") {
      if (current.status !== "held") return apiError(409, "conflict");
      current = order({ status: "cancelled" });
      return json(200, current);
    }
    if (call.path === "/api/events/e1") return json(200, event({ classes: [] }));
    if (call.path.startsWith("/api/tickets/t1/")) return new Response(svg, { status: 200 });
    return apiError(404, "not_found");
  });
  const sockets = fakeSockets();
  const tracker = new OrderTracker({
    api: createApi({ fetch }),
    orderId: "o1",
    linkToken: options.token === undefined ? "tok" : options.token,
    outcome: options.outcome ?? null,
    session: fakeSession(),
    createSocket: sockets.create,
  });
  return { tracker, fetch, sockets, set: (o: OrderView) => (current = o) };
}

describe("orderToken", () => {
  it("takes the link's token and keeps it for this tab; else this tab's", () => {
    const storage = memoryStorage();
    expect(orderToken("o1", null, storage)).toBeNull();
    expect(orderToken("o1", "from-link", storage)).toBe("from-link");
    expect(orderToken("o1", null, storage)).toBe("from-link");
    storage.setItem(storageKeys.order("o2"), JSON.stringify({ orderId: "o2", orderToken: "from-hold" }));
    expect(orderToken("o2", "", storage)).toBe("from-hold");
    expect(orderToken("o3", null, null)).toBeNull();
  });
});

describe("OrderTracker", () => {
  it("without a token, and not this fan's order, asks for the full link", async () => {
    const { tracker, fetch } = setup({ token: null });
    expect(tracker.phase).toBe("loading");
    await tracker.start();
    expect(tracker.phase).toBe("missing_link");
    expect(fetch.calls.map((c) => [c.path, c.headers.Authorization])).toEqual([["/api/orders/o1", "Bearer token-1"]]);
  });

  it("without a token reads the fan's own order with the fan's auth (another tab of the same browser)", async () => {
    const { tracker } = setup({ token: null, fanOwns: true });
    await tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.phase).toBe("held");
    expect(tracker.order?.orderId).toBe("o1");
    tracker.destroy();
  });

  it("without a token or a fan session asks for the full link and calls nothing", async () => {
    const fetch = fakeFetch(() => apiError(404, "not_found"));
    const tracker = new OrderTracker({ api: createApi({ fetch }), orderId: "o1", linkToken: null, outcome: null });
    await tracker.start();
    expect(tracker.phase).toBe("missing_link");
    expect(fetch.calls).toEqual([]);
  });

  it("a held order shows the hold countdown and listens for updates", async () => {
    const { tracker, sockets } = setup();
    await tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.phase).toBe("held");
    expect(tracker.holdRemainingMs).toBe(300_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(tracker.holdRemainingMs).toBe(290_000);
    expect(sockets.made).toHaveLength(1);
    tracker.destroy();
  });

  it("after paying, polls each second until paid, then shows the QR codes as images", async () => {
    let reads = 0;
    const { tracker, fetch } = setup({ outcome: "succeeded", orders: () => (++reads < 3 ? order() : paid) });
    await tracker.start();
    expect(tracker.phase).toBe("confirming");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tracker.phase).toBe("paid");
    expect(tracker.qr).toEqual({ t1: expect.any(String), t2: null }); // t2's read failed: the card shows its qrSvgUrl
    expect(svgOf(tracker.qr.t1)).toBe(svg);
    const orderReads = fetch.calls.filter((c) => c.path === "/api/orders/o1").length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fetch.calls.filter((c) => c.path === "/api/orders/o1")).toHaveLength(orderReads); // polling stopped
    tracker.destroy();
  });

  it("reads at once on order:update", async () => {
    const { tracker, sockets, set } = setup({ outcome: "succeeded" });
    await tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    set(paid);
    sockets.latest().push("order:update", { orderId: "o1", status: "paid" });
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.phase).toBe("paid");
    tracker.destroy();
  });

  it("gives up confirming after the limit, and can check again", async () => {
    const { tracker, set } = setup({ outcome: "succeeded" });
    await tracker.start();
    await vi.advanceTimersByTimeAsync(31_000);
    expect(tracker.phase).toBe("slow");
    set(paid);
    tracker.checkAgain();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tracker.phase).toBe("paid");
    tracker.destroy();
  });

  it("back from a declined payment says the hold is being released", async () => {
    const { tracker, set } = setup({ outcome: "failed" });
    await tracker.start();
    expect(tracker.phase).toBe("ending");
    set(order({ status: "payment_failed" }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tracker.phase).toBe("payment_failed");
    tracker.destroy();
  });

  it("back from paying after the hold ran out: checking, not 'nothing was charged', until the late payment books it", async () => {
    let reads = 0;
    const { tracker } = setup({
      outcome: "succeeded",
      orders: () => (++reads < 3 ? order({ status: "expired" }) : paid),
    });
    await tracker.start();
    expect(tracker.phase).toBe("late_payment");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tracker.phase).toBe("paid");
    tracker.destroy();
  });

  it("a late payment with no tickets left ends refunded; with no word for 30 s it says so and can check again", async () => {
    const { tracker, set } = setup({ outcome: "succeeded" });
    set(order({ status: "cancelled" }));
    await tracker.start();
    expect(tracker.phase).toBe("late_payment");
    await vi.advanceTimersByTimeAsync(31_000);
    expect(tracker.phase).toBe("slow");
    set(order({ status: "refunded" }));
    tracker.checkAgain();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tracker.phase).toBe("refunded");
    tracker.destroy();
  });

  it("follows an ended order live: expired → paid, then paid → refunded; a refunded one is final", async () => {
    const { tracker, sockets, set } = setup();
    set(order({ status: "expired" }));
    await tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.phase).toBe("expired");
    expect(sockets.made).toHaveLength(1);
    set(paid);
    sockets.latest().push("order:update", { orderId: "o1", status: "paid" });
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.phase).toBe("paid");
    set({ ...paid, status: "refunded" });
    sockets.latest().push("order:update", { orderId: "o1", status: "refunded" });
    await vi.advanceTimersByTimeAsync(0);
    expect(tracker.phase).toBe("refunded");
    tracker.destroy();

    const done = setup();
    done.set({ ...paid, status: "refunded" });
    await done.tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(done.sockets.made).toHaveLength(0);
    done.tracker.destroy();
  });

  it("cancels a held order; a second cancel is refused in plain words", async () => {
    const { tracker } = setup();
    await tracker.start();
    expect(await tracker.cancel()).toBe(true);
    expect(tracker.phase).toBe("cancelled");
    expect(await tracker.cancel()).toBe(false);
    expect(tracker.cancelProblem).toMatch(/can't be cancelled any more/);
    tracker.destroy();
  });

  it("reads the order again once its hold has run out", async () => {
    const { tracker, set, fetch } = setup();
    await tracker.start();
    set(order({ status: "expired" }));
    await vi.advanceTimersByTimeAsync(303_000);
    expect(tracker.phase).toBe("expired");
    expect(fetch.calls.filter((c) => c.path === "/api/orders/o1")).toHaveLength(2);
    tracker.destroy();
  });

  it("a wrong token reads as not found; a network failure as retryable", async () => {
    const wrong = setup({ token: "nope" });
    await wrong.tracker.start();
    expect(wrong.tracker.phase).toBe("not_found");
    wrong.tracker.destroy();
    const down = setup({ orders: () => apiError(503, "not_ready") });
    await down.tracker.start();
    expect(down.tracker.phase).toBe("failed");
    down.tracker.destroy();
  });
});

describe("qrImageSrc", () => {
  it("carries the whole drawing, even the characters a URL would cut or change (#, %, non-ASCII)", () => {
    const drawing = '<svg xmlns="http://www.w3.org/2000/svg"><path fill="#000000" d="M0 0h1"/><!-- 100% é --></svg>';
    const src = qrImageSrc(drawing);
    expect(src).not.toMatch(/[#\s"<>é]/); // a raw # would end the URL at the first colour
    expect(svgOf(src)).toBe(drawing);
  });
});
