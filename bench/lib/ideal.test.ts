// Goal: the ideal sell-out time is tickets ÷ capacity when every fan pays, and waits for abandoned
// holds to come back when they do not; fans who cannot buy every ticket give no ideal.
import { describe, expect, it } from "vitest";
import { idealSellOutSeconds, type IdealFan } from "./ideal.js";

const fans = (n: number, over: Partial<IdealFan> = {}): IdealFan[] =>
  Array.from({ length: n }, () => ({ joinedAtS: 0, quantity: 1, behaviour: "pay", ...over }));

describe("idealSellOutSeconds", () => {
  it("is tickets ÷ capacity when every fan pays at once", () => {
    expect(idealSellOutSeconds({ tickets: 100, capacityPerSecond: 10, holdSeconds: 30, fans: fans(200) })).toBeCloseTo(10);
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
