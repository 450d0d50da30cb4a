import { describe, expect, it } from "vitest";
import { resaleCapCents, resaleFeeCents } from "./resale-prices.js";

describe("resale prices", () => {
  it("caps at a share of face value, never above it", () => {
    expect(resaleCapCents(5_000, 100)).toBe(5_000);
    expect(resaleCapCents(5_000, 110)).toBe(5_500);
    expect(resaleCapCents(999, 150)).toBe(1_498); // 1498.5 rounds down
    expect(resaleCapCents(0, 300)).toBe(0);
  });

  it("charges the fee as a share of the price, to the nearest cent", () => {
    expect(resaleFeeCents(5_000, 10)).toBe(500);
    expect(resaleFeeCents(1_005, 10)).toBe(101); // 100.5 rounds up
    expect(resaleFeeCents(4_321, 0)).toBe(0);
  });

  it("refuses cents that are not whole", () => {
    expect(() => resaleCapCents(10.5, 100)).toThrow(/whole cents/);
    expect(() => resaleFeeCents(-1, 10)).toThrow(/whole cents/);
  });
});
