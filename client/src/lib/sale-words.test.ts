// Goal: every kind of order change reads as words in the sales feed, unknown kinds included.
import { describe, expect, it } from "vitest";
import type { AdminSale } from "@stampede/shared/protocol";
import { saleWords } from "./sale-words.js";

describe("saleWords", () => {
  it("names each change", () => {
    expect(saleWords({ type: "hold.placed", status: "held" })).toEqual({ text: "Hold placed", tone: "neutral" });
    expect(saleWords({ type: "order.paid", status: "paid" })).toEqual({ text: "Paid", tone: "good" });
    expect(saleWords({ type: "hold.voided", status: "payment_failed" }).text).toBe("Payment failed");
    expect(saleWords({ type: "hold.voided", status: "cancelled" }).text).toBe("Cancelled");
    expect(saleWords({ type: "hold.expired", status: "expired" }).text).toBe("Hold expired");
    expect(saleWords({ type: "order.refunded", status: "refunded" }).text).toBe("Refunded");
    expect(saleWords({ type: "something.new" as AdminSale["type"], status: "payment_failed" }).text).toBe(
      "payment failed",
    );
  });
});
