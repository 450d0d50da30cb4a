// Goal: resale refusals read as plain words with what the page knows — when a locked listing
// comes back, the highest price allowed — and a locked listing says when it comes back.
import { describe, expect, it } from "vitest";
import type { ApiError } from "./api.js";
import { availabilityWords, refusedCapCents, resaleRefusal } from "./resale-words.js";

const error = (status: number, code: ApiError["code"], details?: unknown): ApiError => ({
  status,
  code,
  message: code,
  retryAfterSeconds: null,
  ...(details === undefined ? {} : { details }),
});

describe("resale words", () => {
  it("says a locked listing is being bought and when it comes back; one offered to the line first, until when", () => {
    const now = Date.parse("2030-03-14T18:00:00Z");
    expect(availabilityWords({ status: "listed", lockExpiresAt: null }, now)).toBe("Available");
    expect(availabilityWords({ status: "locked", lockExpiresAt: "2030-03-14T18:05:00Z" }, now, "en-GB")).toMatch(
      /^Being bought — back by \d\d:05 if unpaid$/,
    );
    expect(availabilityWords({ status: "locked", lockExpiresAt: null }, now)).toBe("Being bought");
    const lineFirst = { status: "listed", lockExpiresAt: null, queueUntil: "2030-03-14T18:10:00Z" };
    expect(availabilityWords(lineFirst, now)).toMatch(/^For fans admitted from the line until \d\d:10$/);
    expect(availabilityWords(lineFirst, Date.parse("2030-03-14T18:10:00Z"))).toBe("Available");
  });

  it("names the lock's end on listing_locked, and says a lock without one in general words", () => {
    expect(resaleRefusal(error(409, "listing_locked"), { lockExpiresAt: "2030-03-14T18:05:00Z" })).toMatch(
      /^Someone else is paying for this ticket right now; if they don't, it comes back by \d\d:05\.$/,
    );
    expect(resaleRefusal(error(409, "listing_locked"))).toBe(
      "Someone else is paying for this ticket right now. Try again in a few minutes.",
    );
    expect(resaleRefusal(error(409, "own_listing"))).toBe("This is your own listing.");
    expect(resaleRefusal(error(403, "admission_required"), { queueUntil: "2030-03-14T18:10:00Z" })).toMatch(
      /^This ticket is offered to the fans waiting in line first, until \d\d:10\. Join the line, or come back then\.$/,
    );
    expect(resaleRefusal(error(409, "listing_unavailable"))).toBe("This ticket is no longer for sale.");
    expect(resaleRefusal(error(401, "not_signed_in"))).toBe("Your session ended. Sign in again to continue.");
  });

  it("names the cap of price_above_cap", () => {
    const above = error(422, "price_above_cap", { capCents: 5_400 });
    expect(refusedCapCents(above)).toBe(5_400);
    expect(resaleRefusal(above, { currency: "USD", locale: "en-US" })).toBe(
      "That's above the highest price allowed: at most $54.00.",
    );
    expect(resaleRefusal(error(422, "price_above_cap"), { currency: "USD" })).toBe(
      "That price is above the highest price allowed for this ticket.",
    );
  });
});
