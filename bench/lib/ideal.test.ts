// Goal: the ideal sell-out time is tickets ÷ capacity when every fan pays, and waits for abandoned
// holds to come back when they do not; fans who cannot buy every ticket give no ideal. The goodput
// ideal is the capacity when every fan pays, and less when holds that never sell take its time.
import { describe, expect, it } from "vitest";
import { idealEarlyGoodput, idealSellOutSeconds, nonPayerShareOfPurchase, type IdealFan } from "./ideal.js";

const fans = (n: number, over: Partial<IdealFan> = {}): IdealFan[] =>
  Array.from({ length: n }, () => ({ joinedAtS: 0, quantity: 1, behaviour: "pay", ...over }));

describe("idealSellOutSeconds", () => {
  it("is tickets ÷ capacity when every fan pays at once", () => {
    expect(idealSellOutSeconds({ tickets: 100, capacityPerSecond: 10, holdSeconds: 30, fans: fans(200) })).toBeCloseTo(
      10,
    );
  });

  it("waits for abandoned holds to expire before their tickets sell", () => {
    const line = [...fans(1, { behaviour: "abandon" }), ...fans(10)];
    // The first fan holds 1 ticket of 10 at 0 s and abandons; 9 sell by 1 s; the last ticket comes back at 30 s.
    expect(idealSellOutSeconds({ tickets: 10, capacityPerSecond: 10, holdSeconds: 30, fans: line })).toBeCloseTo(30.1);
  });

  it("puts declined tickets back at once, and never serves a fan before it joins", () => {
    const line = [...fans(2, { behaviour: "decline", quantity: 2 }), ...fans(4, { joinedAtS: 5 })];
    expect(idealSellOutSeconds({ tickets: 4, capacityPerSecond: 10, holdSeconds: 30, fans: line })).toBeCloseTo(5.4);
  });

  it("is null when the fans cannot buy every ticket (control: one fan more can)", () => {
    expect(idealSellOutSeconds({ tickets: 10, capacityPerSecond: 10, holdSeconds: 30, fans: fans(9) })).toBeNull();
    expect(idealSellOutSeconds({ tickets: 10, capacityPerSecond: 10, holdSeconds: 30, fans: fans(10) })).toBeCloseTo(1);
  });
});

describe("idealEarlyGoodput", () => {
  const sale = (line: IdealFan[], tickets = 10) => ({ tickets, capacityPerSecond: 10, holdSeconds: 30, fans: line });

  it("is the capacity when every fan pays", () => {
    expect(idealEarlyGoodput(sale(fans(20)))).toBeCloseTo(10);
  });

  it("is below the capacity when fans who hold and do not pay take the checkout's time", () => {
    // 4 payers and 1 abandoner in turn: 2 rounds take all 10 tickets; each round costs (4 + share) tenths of a second.
    const round = [...fans(4), ...fans(1, { behaviour: "abandon" })];
    const expected = 8 / ((2 * (4 + nonPayerShareOfPurchase)) / 10);
    expect(idealEarlyGoodput(sale([...round, ...round, ...fans(10)]))).toBeCloseTo(expected);
    expect(expected).toBeLessThan(10);
  });

  it("does not count declined tickets as taken, and is null when the stock never runs out", () => {
    const line = [...fans(2, { behaviour: "decline" }), ...fans(10)];
    // The decliners cost 0.2 × 0.3 / 10 s; the 10 payers then take all 10 in 1 s.
    expect(idealEarlyGoodput(sale(line))).toBeCloseTo(10 / (1 + (2 * nonPayerShareOfPurchase) / 10));
    expect(idealEarlyGoodput(sale(fans(9)))).toBeNull();
  });

  it("stops its clock when at most runOutLeft tickets are left", () => {
    // 9 payers of 10 tickets: never empty, but run out with 1 left after 0.9 s.
    expect(idealEarlyGoodput({ ...sale(fans(9)), runOutLeft: 1 })).toBeCloseTo(10);
  });
});
