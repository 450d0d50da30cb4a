// Goal: a refund gives back what the fan paid for the seats still theirs — the whole session when
// no ticket of the order was resold, else the total less each resold ticket's unit price (per
// class), never below nothing (a resale purchase's fee stays in what goes back).
import { describe, expect, it } from "vitest";
import { refundAmount } from "./refund-intents.js";

const item = (classId: string, quantity: number, unitPriceCents: number) => ({
  classId,
  code: classId.toUpperCase(),
  quantity,
  unitPriceCents,
});

describe("refundAmount", () => {
  const order = { items: [item("ga", 2, 5_000), item("vip", 1, 12_000)], totalCents: 22_000 };

  it("is the whole session (null) when nothing was resold", () => {
    expect(refundAmount(order, new Map())).toBeNull();
  });

  it("leaves out each resold ticket's unit price, per class", () => {
    expect(refundAmount(order, new Map([["ga", 1]]))).toBe(17_000);
    expect(refundAmount(order, new Map([["ga", 2]]))).toBe(12_000);
    expect(
      refundAmount(
        order,
        new Map([
          ["ga", 1],
          ["vip", 1],
        ]),
      ),
    ).toBe(5_000);
  });

  it("is 0 when every ticket was resold; a resale purchase resold again gives back its fee", () => {
    expect(
      refundAmount(
        order,
        new Map([
          ["ga", 2],
          ["vip", 1],
        ]),
      ),
    ).toBe(0);
    expect(refundAmount({ items: [item("ga", 1, 4_500)], totalCents: 4_950 }, new Map([["ga", 1]]))).toBe(450);
  });

  it("refuses a resold class the order did not buy", () => {
    expect(() => refundAmount(order, new Map([["balcony", 1]]))).toThrow(/not among the order's items/);
  });
});
