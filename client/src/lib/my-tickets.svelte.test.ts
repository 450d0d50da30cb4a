// Goal: My tickets lists every order of the account with its event's name (its id when the name
// can't be read), status in words, ticket count and the order page's private link; a 401 is
// "signed out" for the page to send the fan to sign in.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { MyTickets, orderHref, ticketCount } from "./my-tickets.svelte.js";
import { apiError, event, fakeFetch, json } from "./test-support.js";
import type { OrderView } from "./views.js";

function order(overrides: Partial<OrderView>): OrderView {
  return {
    orderId: "o1",
    eventId: "e1",
    status: "paid",
    email: "fan@example.com",
    items: [{ classId: "c1", code: "GA", quantity: 2, unitPriceCents: 4500 }],
    totalCents: 9000,
    currency: "USD",
    expiresAt: "2026-12-01T10:10:00.000Z",
    createdAt: "2026-12-01T10:00:00.000Z",
    paidAt: null,
    tickets: [],
    perks: [],
    ...overrides,
  };
}

describe("MyTickets", () => {
  it("lists the orders with their events' names, or the id when a name can't be read", async () => {
    const fetch = fakeFetch((call) => {
      if (call.path === "/api/account/orders")
        return json(200, {
          orders: [
            { order: order({ orderId: "o2", eventId: "e2", status: "held" }), orderToken: "tok 2" },
            { order: order({ orderId: "o1", eventId: "e1" }), orderToken: "tok1" },
          ],
        });
      if (call.path === "/api/events/e1") return json(200, event({ id: "e1", name: "Night show" }));
      return apiError(404, "not_found");
    });
    const tickets = new MyTickets(createApi({ fetch }));
    await tickets.load();
    expect(tickets.rows.map((r) => [r.orderId, r.eventLabel, r.statusLabel, r.ticketCount, r.href])).toEqual([
      ["o2", "Event e2", "Held, waiting for payment", 2, "/orders/o2#token=tok%202"],
      ["o1", "Night show", "Paid", 2, "/orders/o1#token=tok1"],
    ]);
    expect(fetch.calls.map((c) => c.path).sort()).toEqual(["/api/account/orders", "/api/events/e1", "/api/events/e2"]);
  });

  it("is empty with no orders, and signed out on 401", async () => {
    const none = new MyTickets(createApi({ fetch: fakeFetch(() => json(200, { orders: [] })) }));
    await none.load();
    expect([none.state.kind, none.rows]).toEqual(["loaded", []]);
    const out = new MyTickets(createApi({ fetch: fakeFetch(() => apiError(401, "not_signed_in")) }));
    await out.load();
    expect(out.state.kind).toBe("signed_out");
  });

  it("counts issued tickets once paid, the held quantities before", () => {
    const ticket = {
      ticketId: "t",
      classCode: "GA",
      code: "c",
      shortCode: "s",
      qrSvgUrl: "",
      qrPngUrl: "",
      checkedInAt: null,
      voided: false,
      resold: false,
    };
    expect(ticketCount(order({ tickets: [ticket, ticket, ticket] }))).toBe(3);
    expect(ticketCount(order({ tickets: [] }))).toBe(2);
    expect(orderHref("a/b", "x&y")).toBe("/orders/a%2Fb#token=x%26y");
  });
});
