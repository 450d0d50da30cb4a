// Goal: the status workflow allows exactly the contract's moves, and the system's sold-out moves.
import { describe, expect, it } from "vitest";
import { eventStatuses } from "../api/events.js";
import { allowedTransitions, canTransition, statusAfterStock } from "./event-status.js";

describe("event status workflow", () => {
  it("follows draft → scheduled → on_sale ⇄ paused → closed", () => {
    expect(canTransition("draft", "scheduled")).toBe(true);
    expect(canTransition("scheduled", "on_sale")).toBe(true);
    expect(canTransition("on_sale", "paused")).toBe(true);
    expect(canTransition("paused", "on_sale")).toBe(true);
    expect(canTransition("paused", "closed")).toBe(true);
  });

  it("leaves closed only to cancel, never leaves cancelled, and never sets sold_out by hand", () => {
    for (const s of eventStatuses) {
      expect(canTransition("closed", s)).toBe(s === "cancelled");
      expect(canTransition("cancelled", s)).toBe(false);
      expect(canTransition(s, "sold_out")).toBe(false);
    }
    expect(canTransition("draft", "paused")).toBe(false);
    expect(canTransition("on_sale", "draft")).toBe(false);
  });

  it("can cancel any open event", () => {
    for (const s of ["draft", "scheduled", "on_sale", "paused", "sold_out"] as const)
      expect(allowedTransitions(s)).toContain("cancelled");
  });

  it("is sold out only when nothing is available and nothing is held, and comes back when stock returns", () => {
    expect(statusAfterStock("on_sale", { available: 0, held: 2 })).toBe("on_sale");
    expect(statusAfterStock("on_sale", { available: 0, held: 0 })).toBe("sold_out");
    expect(statusAfterStock("sold_out", { available: 1, held: 0 })).toBe("on_sale");
    expect(statusAfterStock("paused", { available: 0, held: 0 })).toBe("paused");
  });
});
