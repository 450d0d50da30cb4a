// Goal: the orders table searches with the filters as applied (not as half-typed), pages on with
// the cursor, refunds in place with plain words, and exports CSV — quoted, formula-safe, every
// page when asked, bounded.
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrdersBrowser } from "./admin-orders.svelte.js";
import { createApi } from "./api.js";
import { decimalAmount, ordersCsv, toCsv } from "./csv.js";
import { apiError, fakeFetch, json } from "./test-support.js";
import type { AdminOrderView } from "./views.js";

function order(n: number, over: Partial<AdminOrderView> = {}): AdminOrderView {
  return {
    orderId: `0000000${n}-aaaa-bbbb-cccc-dddddddddddd`,
    eventId: "e1",
    status: "paid",
    email: `fan${n}@example.test`,
    items: [{ classId: "c1", code: "GA", quantity: 2, unitPriceCents: 4_500 }],
    totalCents: 9_000,
    currency: "USD",
    expiresAt: "2030-03-14T18:05:00.000Z",
    createdAt: "2030-03-14T18:00:00.000Z",
    paidAt: "2030-03-14T18:01:00.000Z",
    tickets: [],
    perks: [{ code: "POSTER", name: "Poster" }],
    fanId: `fan-${n}`,
    paymentProvider: "mockpay",
    ...over,
  };
}

/** A server with `count` orders, newest first, paged by cursor. */
function server(count: number) {
  const all = Array.from({ length: count }, (_, i) => order(count - i));
  const fetch = fakeFetch((call) => {
    const url = new URL(call.path, "http://x");
    if (url.pathname === "/api/admin/orders") {
      const limit = Number(url.searchParams.get("limit"));
      const cursor = url.searchParams.get("cursor");
      const start = cursor === null ? 0 : all.findIndex((o) => o.orderId === cursor) + 1;
      const page = all.slice(start, start + limit);
      return json(200, {
        orders: page,
        nextCursor: start + limit < all.length ? (page.at(-1)?.orderId ?? null) : null,
      });
    }
    if (call.path.endsWith("/refund")) {
      const id = call.path.split("/")[4];
      const found = all.find((o) => o.orderId === id);
      if (!found || found.status !== "paid") return apiError(409, "conflict");
      found.status = "refunded";
      return json(200, { ...found, fanId: undefined, paymentProvider: undefined });
    }
    return apiError(404, "not_found");
  });
  return { fetch, all };
}

function browser(count: number, pageSize = 2) {
  const { fetch, all } = server(count);
  const onUnauthorized = vi.fn();
  return {
    fetch,
    all,
    onUnauthorized,
    orders: new OrdersBrowser({ api: createApi({ fetch }), eventId: "e1", pageSize, onUnauthorized }),
  };
}

describe("OrdersBrowser", () => {
  it("searches with the applied filters and pages on with the cursor", async () => {
    const { orders, fetch } = browser(5);
    orders.query = " fan ";
    orders.status = "paid";
    await orders.search();
    expect(orders.load).toBe("loaded");
    expect(orders.rows).toHaveLength(2);
    const first = new URL(fetch.calls[0]!.path, "http://x").searchParams;
    expect(Object.fromEntries(first)).toEqual({ eventId: "e1", limit: "2", q: "fan", status: "paid" });
    orders.query = "typed but not searched";
    await orders.more();
    await orders.more();
    expect(orders.rows.map((r) => r.email)).toEqual([
      "fan5@example.test",
      "fan4@example.test",
      "fan3@example.test",
      "fan2@example.test",
      "fan1@example.test",
    ]);
    expect(orders.nextCursor).toBeNull();
    expect(new URL(fetch.calls[1]!.path, "http://x").searchParams.get("q")).toBe("fan");
  });

  it("refunds a paid order in place and says so; a second refund is refused in plain words", async () => {
    const { orders } = browser(2);
    await orders.search();
    const id = orders.rows[0]!.orderId;
    expect(await orders.refund(id)).toBe(true);
    expect(orders.rows[0]).toMatchObject({ status: "refunded", fanId: "fan-2", paymentProvider: "mockpay" });
    expect(orders.notice).toMatchObject({ kind: "ok" });
    expect(await orders.refund(id)).toBe(false);
    expect(orders.notice?.text).toMatch(/Only paid orders can be refunded/);
  });

  it("finds one order by its id whatever the filters were", async () => {
    const { orders, fetch } = browser(3);
    orders.query = "someone else";
    orders.status = "refunded";
    await orders.find("00000002-aaaa-bbbb-cccc-dddddddddddd");
    const sent = new URL(fetch.calls.at(-1)!.path, "http://x").searchParams;
    expect(Object.fromEntries(sent)).toEqual({ eventId: "e1", limit: "2", q: "00000002-aaaa-bbbb-cccc-dddddddddddd" });
    expect(orders.query).toBe("00000002-aaaa-bbbb-cccc-dddddddddddd");
    expect(orders.status).toBe("");
  });

  it("exports every matching order across pages", async () => {
    const { orders } = browser(5);
    await orders.search();
    const out = await orders.exportAll();
    expect(out).toMatchObject({ rows: 5, truncated: false });
    expect(out?.csv.split("\r\n").filter(Boolean)).toHaveLength(6);
    expect(orders.exporting).toBe(false);
  });

  it("a failed search says so", async () => {
    const fetch = fakeFetch(() => apiError(401, "unauthorized"));
    const onUnauthorized = vi.fn();
    const orders = new OrdersBrowser({ api: createApi({ fetch }), eventId: "e1", onUnauthorized });
    await orders.search();
    expect(orders.load).toBe("failed");
    expect(orders.notice?.kind).toBe("error");
    expect(onUnauthorized).toHaveBeenCalled();
  });
});

describe("OrdersBrowser: live changes", () => {
  afterEach(() => vi.useRealTimers());

  it("re-reads the first page a moment after the feed reports changes, once for a burst", async () => {
    vi.useFakeTimers();
    const { orders, fetch, all } = browser(3, 2);
    orders.query = "fan";
    await orders.search();
    orders.query = "half-typed";
    all.unshift(order(9));
    orders.noteChanges();
    orders.noteChanges();
    expect(orders.stale).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(fetch.calls).toHaveLength(2);
    expect(new URL(fetch.calls[1]!.path, "http://x").searchParams.get("q")).toBe("fan");
    expect(orders.rows[0]?.email).toBe("fan9@example.test");
    expect(orders.stale).toBe(false);
    orders.cancel();
  });

  it("with more pages loaded only marks the table out of date", async () => {
    vi.useFakeTimers();
    const { orders, fetch } = browser(5, 2);
    await orders.search();
    await orders.more();
    orders.noteChanges();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch.calls).toHaveLength(2);
    expect(orders.stale).toBe(true);
    await orders.reload();
    expect(orders.rows).toHaveLength(2);
    expect(orders.stale).toBe(false);
  });
});

describe("CSV", () => {
  it("quotes, doubles quotes and defuses formulas", () => {
    expect(toCsv([["a", 'say "hi"', "x,y", "=SUM(A1)", "-1", 3, null]])).toBe(
      'a,"say ""hi""","x,y",\'=SUM(A1),\'-1,3,\r\n',
    );
  });

  it("writes one row per order with plain amounts", () => {
    const csv = ordersCsv([order(1)]);
    const [header, row] = csv.split("\r\n");
    expect(header).toBe(
      "order_id,created_at,paid_at,status,email,items,tickets,total,currency,perks,fan_id,payment_provider",
    );
    expect(row).toBe(
      [
        "00000001-aaaa-bbbb-cccc-dddddddddddd",
        "2030-03-14T18:00:00.000Z",
        "2030-03-14T18:01:00.000Z",
        "paid,fan1@example.test,2xGA,2,90.00,USD,POSTER,fan-1,mockpay",
      ].join(","),
    );
    expect(decimalAmount(1_250, "JPY")).toBe("1250");
  });
});
