// Goal: the order page offers resale for the tickets that can still be sold, with the event's cap
// (checked before sending, and the server's refusal said with its cap); shows a ticket's open
// listing; changes its price, withdraws it, says a buyer holds it (reading again), and follows
// the listings live, telling the page so it reads the order again.
import { describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { eventResale, listing } from "./resale-test-support.js";
import { canSell, faceValueOf, isResold, openListing, priceText, SellerDesk } from "./seller-desk.svelte.js";
import { apiError, fakeFetch, fakeSession, fakeSockets, json, type Responder } from "./test-support.js";

const ticket = { ticketId: "t1", classCode: "GA", checkedInAt: null, voided: false, resold: false };

function setup(responder: Responder, listings = [listing()]) {
  const fetch = fakeFetch((call, signal) => {
    if (call.path === "/api/events/e1/resale") return json(200, eventResale());
    if (call.path === "/api/account/listings") return json(200, { listings });
    return responder(call, signal);
  });
  const sockets = fakeSockets((event) => (event === "event:watch" ? { ok: true, data: {} } : undefined));
  const changed = vi.fn();
  const desk = new SellerDesk({
    api: createApi({ fetch }),
    eventId: "e1",
    session: fakeSession(),
    createSocket: sockets.create,
    onChanged: changed,
  });
  return { desk, fetch, sockets, changed };
}

describe("seller desk helpers", () => {
  it("sells only paid tickets not checked in, void or resold; finds a ticket's open listing", () => {
    expect(canSell({ status: "paid" }, ticket)).toBe(true);
    expect(canSell({ status: "refunded" }, ticket)).toBe(false);
    expect(canSell({ status: "paid" }, { ...ticket, checkedInAt: "2030-03-14T18:00:00Z" })).toBe(false);
    expect(canSell({ status: "paid" }, { ...ticket, voided: true })).toBe(false);
    expect(canSell({ status: "paid" }, { ...ticket, voided: true, resold: true })).toBe(false);
    expect([isResold({ resold: true }), isResold({ resold: false })]).toEqual([true, false]);
    const all = [listing({ listingId: "a", status: "withdrawn" }), listing({ listingId: "b", status: "locked" })];
    expect(openListing(all, "t1")?.listingId).toBe("b");
    expect(openListing(all.slice(0, 1), "t1")).toBeNull();
    expect(faceValueOf({ items: [{ classId: "c1", code: "GA", quantity: 2, unitPriceCents: 4_500 }] }, "GA")).toBe(
      4_500,
    );
    expect([priceText(4_550, "USD"), priceText(1_250, "JPY")]).toEqual(["45.50", "1250"]);
  });
});

describe("SellerDesk", () => {
  it("reads the settings and the account's listings, and checks a price against the cap before sending", async () => {
    const { desk, fetch } = setup(() => json(201, listing({ listingId: "l2", ticketId: "t2", priceCents: 5_000 })), []);
    await desk.start();
    expect(desk.enabled).toBe(true);
    expect(desk.capCents(4_500)).toBe(5_400); // 120 % of face value
    desk.prices.t2 = "54.01";
    expect(await desk.sell("t2", "USD", 4_500)).toBe(false);
    expect(desk.problems.t2).toBe("At most $54.00.");
    desk.prices.t2 = "abc";
    expect(await desk.sell("t2", "USD", 4_500)).toBe(false);
    expect(desk.problems.t2).toBe("Type a price, like 45 or 45.50.");
    desk.prices.t2 = "50";
    expect(await desk.sell("t2", "USD", 4_500)).toBe(true);
    expect(fetch.calls.at(-1)?.body).toEqual({ ticketId: "t2", priceCents: 5_000 });
    expect(desk.problems).toEqual({});
    expect(desk.listingOf("t2")?.listingId).toBe("l2");
    desk.destroy();
  });

  it("says the server's cap when it refuses the price", async () => {
    const refusal = json(422, { error: { code: "price_above_cap", message: "x", details: { capCents: 4_500 } } });
    const { desk } = setup(() => refusal, []);
    await desk.load();
    desk.prices.t1 = "50";
    expect(await desk.sell("t1", "USD", 4_500)).toBe(false);
    expect(desk.problems.t1).toBe("That's above the highest price allowed: at most $45.00.");
  });

  it("changes a listing's price and withdraws it", async () => {
    const { desk, fetch } = setup((call) =>
      call.method === "PATCH"
        ? json(200, listing({ priceCents: 4_800 }))
        : json(200, listing({ priceCents: 4_800, status: "withdrawn" })),
    );
    await desk.load();
    const open = desk.listingOf("t1")!;
    desk.startEditing(open);
    expect([desk.editing, desk.prices.l1]).toEqual(["l1", "40.00"]);
    desk.prices.l1 = "48";
    expect(await desk.reprice(open)).toBe(true);
    expect(fetch.calls.at(-1)).toMatchObject({
      method: "PATCH",
      path: "/api/resale/listings/l1",
      body: { priceCents: 4_800 },
    });
    expect([desk.editing, desk.listingOf("t1")?.priceCents]).toEqual([null, 4_800]);
    expect(await desk.withdraw(desk.listingOf("t1")!)).toBe(true);
    expect(fetch.calls.at(-1)).toMatchObject({ method: "DELETE", path: "/api/resale/listings/l1" });
    expect(desk.listingOf("t1")).toBeNull();
  });

  it("says a buyer holds it and reads the listings again", async () => {
    const { desk, fetch } = setup(() => apiError(409, "listing_locked"));
    await desk.load();
    const before = fetch.calls.length;
    expect(await desk.withdraw(listing({ lockExpiresAt: "2030-03-14T18:05:00Z" }))).toBe(false);
    expect(desk.problems.l1).toMatch(
      /^Someone else is paying for this ticket right now; if they don't, it comes back by/,
    );
    expect(fetch.calls.length).toBe(before + 3);
  });

  it("follows the listings live and tells the page", async () => {
    const { desk, sockets, changed } = setup(() => apiError(404, "not_found"));
    await desk.start();
    await Promise.resolve();
    const socket = sockets.latest();
    socket.serverConnect();
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    socket.push("resale:changed", { eventId: "e1" });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(2));
    desk.destroy();
    expect(socket.disconnectCalls).toBe(1);
  });

  it("is off when signed out", async () => {
    const fetch = fakeFetch((call) =>
      call.path === "/api/account/listings" ? apiError(401, "not_signed_in") : json(200, eventResale()),
    );
    const desk = new SellerDesk({ api: createApi({ fetch }), eventId: "e1" });
    await desk.start();
    expect([desk.enabled, desk.signedOut]).toEqual([false, true]);
  });
});
