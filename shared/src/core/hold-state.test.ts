// Goal: only the lifecycle's moves are allowed; settled orders stay settled.
import { describe, expect, it } from "vitest";
import { canMove, isFinal, isLatePayment } from "./hold-state.js";

describe("hold lifecycle", () => {
  it("allows held to end exactly one way", () => {
    for (const to of ["paid", "cancelled", "payment_failed", "expired"] as const)
      expect(canMove("held", to)).toBe(true);
    expect(canMove("held", "refunded")).toBe(false);
  });
  it("lets a late payment re-book or refund an expired order, and only refund a paid one", () => {
    expect(canMove("expired", "paid")).toBe(true);
    expect(canMove("expired", "refunded")).toBe(true);
    expect(canMove("paid", "refunded")).toBe(true);
    expect(canMove("paid", "held")).toBe(false);
    expect(canMove("paid", "expired")).toBe(false);
  });
  it("takes a payment captured after a cancel or decline as a late payment", () => {
    for (const s of ["cancelled", "payment_failed", "expired"] as const) {
      expect(isLatePayment(s)).toBe(true);
      expect(canMove(s, "paid")).toBe(true);
      expect(canMove(s, "refunded")).toBe(true);
      expect(canMove(s, "held")).toBe(false);
    }
  });
  it("never leaves refunded", () => {
    expect(isFinal("refunded")).toBe(true);
    expect(canMove("refunded", "paid")).toBe(false);
    expect(isFinal("held")).toBe(false);
    expect(isLatePayment("paid")).toBe(false);
  });
});
