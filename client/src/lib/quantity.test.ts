// Goal: the quantity choices never offer more than the per-order limit, the fan's remaining
// allowance (minus other tiers picked) or the tier's stock — whichever is smallest.
import { describe, expect, it } from "vitest";
import { maxQuantity, quantityOptions } from "./quantity.js";

const limits = { perOrderMax: 8, available: 100, fanLeft: 6, pickedElsewhere: 0 };

describe("maxQuantity", () => {
  it("is the smallest of the per-order limit, what the fan has left and the stock", () => {
    expect(maxQuantity(limits)).toBe(6);
    expect(maxQuantity({ ...limits, fanLeft: 4 })).toBe(4); // 2 already held or bought of 6
    expect(maxQuantity({ ...limits, perOrderMax: 2 })).toBe(2);
    expect(maxQuantity({ ...limits, available: 3 })).toBe(3);
  });

  it("counts other tiers in this order against what the fan has left", () => {
    expect(maxQuantity({ ...limits, fanLeft: 4, pickedElsewhere: 3 })).toBe(1);
    expect(maxQuantity({ ...limits, fanLeft: 4, pickedElsewhere: 4 })).toBe(0);
  });

  it("never goes below zero", () => {
    expect(maxQuantity({ ...limits, fanLeft: 0 })).toBe(0);
    expect(maxQuantity({ ...limits, available: 0 })).toBe(0);
    expect(maxQuantity({ ...limits, fanLeft: 2, pickedElsewhere: 5 })).toBe(0);
  });
});

describe("quantityOptions", () => {
  it("offers 0..max", () => {
    expect(quantityOptions(4, 0)).toEqual([0, 1, 2, 3, 4]);
    expect(quantityOptions(0, 0)).toEqual([0]);
  });

  it("keeps the current pick listed when a limit fell under it", () => {
    expect(quantityOptions(1, 3)).toEqual([0, 1, 2, 3]);
  });
});
