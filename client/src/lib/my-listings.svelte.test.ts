// Goal: "My listings" shows every listing of the account with its event's name (its id when the
// name can't be read), a link to the event, the price and the status in words; 401 is signed out.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { MyListings } from "./my-listings.svelte.js";
import { listing } from "./resale-test-support.js";
import { apiError, event, fakeFetch, json } from "./test-support.js";

describe("MyListings", () => {
  it("lists the listings with their events' names", async () => {
    const fetch = fakeFetch((call) => {
      if (call.path === "/api/account/listings")
        return json(200, {
          listings: [
            listing({ listingId: "l2", eventId: "e2", status: "sold", soldAt: "2030-03-14T18:00:00.000Z" }),
            listing({ listingId: "l1", eventId: "e1" }),
            listing({ listingId: "l0", eventId: "e1", status: "withdrawn" }),
          ],
        });
      if (call.path === "/api/events/e1") return json(200, event({ id: "e1", name: "Night show" }));
      return apiError(404, "not_found");
    });
    const mine = new MyListings(createApi({ fetch }));
    await mine.load();
    expect(mine.rows.map((r) => [r.listingId, r.eventLabel, r.eventHref, r.statusLabel, r.soldAt !== null])).toEqual([
      ["l2", "Event e2", "/events/e2", "Sold", true],
      ["l1", "Night show", "/events/e1", "For sale", false],
      ["l0", "Night show", "/events/e1", "Withdrawn", false],
    ]);
    expect(fetch.calls.filter((c) => c.path.startsWith("/api/events/"))).toHaveLength(2);
  });

  it("is signed out on 401 and failed on other errors", async () => {
    const out = new MyListings(createApi({ fetch: fakeFetch(() => apiError(401, "not_signed_in")) }));
    await out.load();
    expect(out.state.kind).toBe("signed_out");
    const down = new MyListings(createApi({ fetch: fakeFetch(() => apiError(500, "internal_error")) }));
    await down.load();
    expect([down.state.kind, down.rows]).toEqual(["failed", []]);
  });
});
