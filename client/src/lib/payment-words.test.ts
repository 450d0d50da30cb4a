// Goal: the admin pages name each provider, and the mismatch alert says how many payments and
// orders need a person, says nothing when none do, and owns up to the orders it does not list.
import { describe, expect, it } from "vitest";
import { mismatchSummary, providerLabel } from "./payment-words.js";

describe("payment words", () => {
  it("names the providers, and passes an unknown one through", () => {
    expect(providerLabel("mockpay")).toBe("MockPay");
    expect(providerLabel("stripe")).toBe("Stripe");
    expect(providerLabel("paypal")).toBe("paypal");
  });

  it("says nothing without mismatches", () => {
    expect(mismatchSummary({ payments: 0, orders: 0, orderIds: [] })).toBeNull();
  });

  it("counts payments and orders, in the singular too", () => {
    expect(mismatchSummary({ payments: 1, orders: 1, orderIds: ["o1"] })).toEqual({
      text:
        "1 payment for 1 order came with another amount or currency than the order's and was not settled: " +
        "no tickets were issued. Check each with the payment provider, then refund the money or sort the order out by hand.",
      more: null,
    });
    const many = mismatchSummary({ payments: 3, orders: 2, orderIds: ["o2", "o1"] });
    expect(many?.text).toMatch(/^3 payments for 2 orders came .* and were not settled/);
    expect(many?.more).toBeNull();
  });

  it("says how many orders the list leaves out", () => {
    expect(mismatchSummary({ payments: 30, orders: 25, orderIds: ["o25", "o24"] })?.more).toBe("…and 23 older orders.");
  });
});
