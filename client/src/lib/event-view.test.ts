// Goal: the labels, ordering and balance check the pages show are right at their edges.
import { describe, expect, it } from "vitest";
import { cheapestClass, isBalanced, sortForFans, statusNote } from "./event-view.js";
import { event, tier } from "./test-support.js";

describe("event view helpers", () => {
  it("finds the cheapest tier, or none", () => {
    expect(cheapestClass([tier({ id: "a", priceCents: 900 }), tier({ id: "b", priceCents: 500 })])?.id).toBe("b");
    expect(cheapestClass([])).toBeNull();
  });

  it("orders on-sale first, then by start, undated last", () => {
    const events = [
      event({ id: "undated", startsAt: null }),
      event({ id: "closed", status: "closed", startsAt: "2020-01-01T00:00:00Z" }),
      event({ id: "early", startsAt: "2029-01-01T00:00:00Z" }),
    ];
    expect(sortForFans(events).map((e) => e.id)).toEqual(["early", "undated", "closed"]);
  });

  it("checks available + held + sold = capacity", () => {
    expect(isBalanced(tier({ capacity: 10, available: 5, held: 2, sold: 3 }))).toBe(true);
    expect(isBalanced(tier({ capacity: 10, available: 5, held: 2, sold: 4 }))).toBe(false);
  });

  it("says when a scheduled sale opens", () => {
    const scheduled = event({ status: "scheduled" });
    expect(statusNote(scheduled, () => null)).toBe("The sale hasn't opened yet.");
    expect(
      statusNote({ ...scheduled, waitingRoom: { ...scheduled.waitingRoom, opensAt: "x" } }, () => "Fri 9 AM"),
    ).toBe("The sale opens Fri 9 AM.");
  });
});
