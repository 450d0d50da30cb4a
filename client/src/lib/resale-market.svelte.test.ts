// Goal: the event page's resale list reads what is for sale, reads again when the socket says the
// event's listings changed (and after each watch ack), buys by going to the payment page, and says
// a refusal in words (someone else paying: when the ticket comes back; one's own listing).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { purchasePath, ResaleMarket } from "./resale-market.svelte.js";
import { eventResale, publicListing, purchase } from "./resale-test-support.js";
import { apiError, fakeFetch, fakeSession, fakeSockets, json, type Responder } from "./test-support.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

function setup(responder: Responder, admissionToken: string | null = null) {
  const fetch = fakeFetch(responder);
  const sockets = fakeSockets((event) => (event === "event:watch" ? { ok: true, data: {} } : undefined));
  const loadPage = vi.fn();
  const signedOut = vi.fn();
  const market = new ResaleMarket({
    eventId: "e1",
    api: createApi({ fetch }),
    session: fakeSession(),
    createSocket: sockets.create,
    loadPage,
    onSignedOut: signedOut,
    admissionToken: () => admissionToken,
  });
  return { market, fetch, sockets, loadPage, signedOut };
}

const reads = (fetch: { calls: Array<{ path: string }> }) =>
  fetch.calls.filter((c) => c.path === "/api/events/e1/resale");

describe("ResaleMarket", () => {
  it("reads the listings, and again on every resale:changed of this event and after each watch ack", async () => {
    let listings = [publicListing()];
    const { market, fetch, sockets } = setup(() => json(200, eventResale({ listings })));
    await market.start();
    expect(market.enabled).toBe(true);
    expect(market.listings.map((l) => l.listingId)).toEqual(["l1"]);
    await vi.advanceTimersByTimeAsync(0);
    const socket = sockets.latest();
    expect(socket.fanToken).toBe("token-1");

    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.emitted("event:watch")).toEqual([{ eventId: "e1" }]);
    expect(reads(fetch)).toHaveLength(2); // the ack: anything missed before joining the room

    listings = [publicListing(), publicListing({ listingId: "l2", priceCents: 4_400 })];
    socket.push("resale:changed", { eventId: "other" });
    await vi.advanceTimersByTimeAsync(0);
    expect(reads(fetch)).toHaveLength(2);
    socket.push("resale:changed", { eventId: "e1" });
    await vi.advanceTimersByTimeAsync(0);
    expect(market.listings.map((l) => l.listingId)).toEqual(["l1", "l2"]);

    market.destroy();
    expect(socket.disconnectCalls).toBe(1);
  });

  it("is off when the event does not allow resale", async () => {
    const { market } = setup(() => json(200, eventResale({ enabled: false, listings: [] })));
    await market.start();
    expect(market.enabled).toBe(false);
    market.destroy();
  });

  it("buys: locks the listing and goes to the payment page (the purchase page when there is none)", async () => {
    const { market, fetch, loadPage } = setup((call) =>
      call.method === "POST" ? json(201, purchase()) : json(200, eventResale()),
    );
    await market.start();
    expect(await market.buy(publicListing())).toBe(true);
    const buy = fetch.calls.find((c) => c.method === "POST");
    expect([buy?.path, buy?.body]).toEqual(["/api/resale/listings/l1/buy", {}]);
    expect(loadPage).toHaveBeenCalledWith("http://x/mockpay/checkout/s1");
    expect(market.buying).toBe("l1");
    expect(purchasePath("p 1")).toBe("/resale/purchases/p%201");
    market.destroy();
  });

  it("says who holds a locked listing and when it comes back, reading the list again", async () => {
    let locked = false;
    const { market, fetch } = setup((call) => {
      if (call.method === "POST") {
        locked = true;
        return apiError(409, "listing_locked");
      }
      const status = locked ? "locked" : "listed";
      return json(
        200,
        eventResale({ listings: [publicListing({ status, lockExpiresAt: locked ? "2030-03-14T18:05:00Z" : null })] }),
      );
    });
    await market.start();
    expect(await market.buy(publicListing())).toBe(false);
    expect(market.buying).toBeNull();
    expect(market.problem?.message).toMatch(
      /^Someone else is paying for this ticket right now; if they don't, it comes back by \d\d:05\.$/,
    );
    expect(market.listings[0]?.status).toBe("locked");
    expect(reads(fetch).length).toBeGreaterThanOrEqual(2);
    market.destroy();
  });

  it("sends the admission token for a listing offered to the line first, and only then", async () => {
    const { market, fetch } = setup(
      (call) => (call.method === "POST" ? json(201, purchase()) : json(200, eventResale())),
      "adm-1",
    );
    await market.start();
    await market.buy(publicListing({ queueUntil: "2030-03-14T18:10:00Z" }));
    market.buying = null;
    await market.buy(publicListing({ queueUntil: "2030-03-14T17:59:00Z" }));
    expect(fetch.calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([
      { admissionToken: "adm-1" },
      {},
    ]);
    market.destroy();
  });

  it("says one's own listing, and tells the page on 401", async () => {
    let answer = apiError(409, "own_listing");
    const { market, signedOut } = setup((call) => (call.method === "POST" ? answer : json(200, eventResale())));
    await market.start();
    await market.buy(publicListing());
    expect(market.problem).toEqual({ listingId: "l1", message: "This is your own listing." });
    answer = apiError(401, "not_signed_in");
    await market.buy(publicListing());
    expect(signedOut).toHaveBeenCalledOnce();
    market.destroy();
  });
});
