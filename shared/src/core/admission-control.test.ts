// Goal: the admission controller stays inside the operator's limits, backs off on every overload
// sign, never grows while overloaded, and climbs back to the ceiling once the checkout is healthy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cutSpacingMs,
  healthyCheckout,
  overloadThresholds,
  startSteering,
  steerAdmission,
  stockRoom,
  type CheckoutHealth,
  type CheckoutSignal,
  type SteerState,
} from "./admission-control.js";

const signals = Object.keys(overloadThresholds) as CheckoutSignal[];

const overloaded = (signal: CheckoutSignal, by = 1): CheckoutHealth => ({ ...healthyCheckout, [signal]: overloadThresholds[signal] + by });

const limits = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 200_000 }))
  .map(([floor, span]) => ({ floorPerMinute: floor, ceilingPerMinute: floor + span }));

const health: fc.Arbitrary<CheckoutHealth> = fc.oneof(
  fc.constant(healthyCheckout),
  fc.tuple(fc.constantFrom(...signals), fc.integer({ min: 1, max: 10_000 })).map(([s, by]) => overloaded(s, by)),
  fc.record({
    overloadRefusals: fc.nat(3),
    holdP95Ms: fc.option(fc.nat(3_000)),
    settlementLagMs: fc.option(fc.nat(10_000)),
    poolWaits: fc.nat(30),
    holdsInFlight: fc.nat(1_000),
    webhooksWaiting: fc.nat(1_000),
  }),
);

const step = fc.record({ health, elapsedMs: fc.integer({ min: 0, max: 3_000 }), demand: fc.boolean() });

function isOverloaded(h: CheckoutHealth): boolean {
  return signals.some((s) => h[s] !== null && (h[s] as number) > overloadThresholds[s]);
}

describe("steerAdmission", () => {
  it("never leaves [floor, ceiling] and never grows while any sign shows overload", () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 1_000_000 }), fc.array(step, { maxLength: 60 }), (lim, start, steps) => {
        let state: SteerState = startSteering(start, lim.floorPerMinute, lim.ceilingPerMinute);
        let now = 0;
        for (const s of steps) {
          now += s.elapsedMs;
          const next = steerAdmission({ state, ...lim, ...s, nowMs: now });
          expect(next.ratePerMinute).toBeGreaterThanOrEqual(lim.floorPerMinute);
          expect(next.ratePerMinute).toBeLessThanOrEqual(lim.ceilingPerMinute);
          if (isOverloaded(s.health)) expect(next.ratePerMinute).toBeLessThanOrEqual(state.ratePerMinute);
          if (!s.demand && !isOverloaded(s.health)) expect(next.ratePerMinute).toBe(state.ratePerMinute);
          state = next;
        }
      }),
    );
  });

  it.each(signals)("halves the rate on %s, and names it", (signal) => {
    const state = startSteering(4_000, 60, 10_000);
    const next = steerAdmission({
      state, health: overloaded(signal), floorPerMinute: 60, ceilingPerMinute: 10_000, nowMs: 10_000, elapsedMs: 500, demand: true,
    });
    expect(next).toMatchObject({ ratePerMinute: 2_000, reason: signal, lastCutMs: 10_000, cutFromPerMinute: 4_000 });
  });

  it("a signal at its threshold is not overload (negative control)", () => {
    const atThreshold = Object.fromEntries(signals.map((s) => [s, overloadThresholds[s]])) as unknown as CheckoutHealth;
    const next = steerAdmission({
      state: startSteering(4_000, 60, 10_000), health: atThreshold, floorPerMinute: 60, ceilingPerMinute: 10_000, nowMs: 1,
      elapsedMs: 1_000, demand: true,
    });
    expect(next).toMatchObject({ ratePerMinute: 8_000, reason: "slow_start" });
  });

  it("cuts once per spacing: an overload that lasts is not punished every tick", () => {
    const lim = { floorPerMinute: 10, ceilingPerMinute: 100_000 };
    let state = startSteering(8_000, lim.floorPerMinute, lim.ceilingPerMinute);
    const rates: number[] = [];
    for (let now = 0; now <= 4 * cutSpacingMs; now += 500) {
      state = steerAdmission({ state, health: overloaded("holdP95Ms"), ...lim, nowMs: now, elapsedMs: 500, demand: true });
      rates.push(state.ratePerMinute);
    }
    // Cuts at 0, 1, 2, 3 and 4 spacings: five halvings, none in between.
    expect(new Set(rates)).toEqual(new Set([4_000, 2_000, 1_000, 500, 250]));
  });

  it("recovers: after the overload ends it climbs back to the ceiling, and says so on the way", () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 8 }), (lim, cuts) => {
        let state = startSteering(lim.ceilingPerMinute, lim.floorPerMinute, lim.ceilingPerMinute);
        let now = 0;
        for (let i = 0; i < cuts; i++, now += cutSpacingMs) {
          state = steerAdmission({ state, health: overloaded("poolWaits"), ...lim, nowMs: now, elapsedMs: cutSpacingMs, demand: true });
        }
        const reasons = new Set<string>();
        for (let i = 0; i === 0 || (i < 2_000 && state.ratePerMinute < lim.ceilingPerMinute); i++, now += 500) {
          state = steerAdmission({ state, health: healthyCheckout, ...lim, nowMs: now, elapsedMs: 500, demand: true });
          reasons.add(state.reason);
        }
        expect(state).toMatchObject({ ratePerMinute: lim.ceilingPerMinute, reason: "ceiling" });
        if (reasons.size > 1) expect(reasons).toContain("recovering");
      }),
    );
  });

  it("keeps the rate while nobody waits: unused budget says nothing about capacity", () => {
    const next = steerAdmission({
      state: startSteering(600, 60, 60_000), health: healthyCheckout, floorPerMinute: 60, ceilingPerMinute: 60_000, nowMs: 5_000,
      elapsedMs: 5_000, demand: false,
    });
    expect(next).toMatchObject({ ratePerMinute: 600, reason: "idle" });
  });

  it("follows the operator's new limits at once", () => {
    const state = startSteering(50_000, 60, 60_000);
    const next = steerAdmission({
      state, health: healthyCheckout, floorPerMinute: 60, ceilingPerMinute: 1_000, nowMs: 1, elapsedMs: 0, demand: false,
    });
    expect(next.ratePerMinute).toBe(1_000);
  });
});

describe("stockRoom", () => {
  const base = { available: 100, ticketsTaken: 0, ordersTaken: 0, activeCheckouts: 0, holding: 0 };

  it("admits nobody while nothing is available, whatever else is true", () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.nat(1_000), fc.nat(1_000), fc.nat(1_000), (ticketsTaken, ordersTaken, activeCheckouts, holding) => {
        expect(stockRoom({ available: 0, ticketsTaken, ordersTaken, activeCheckouts, holding })).toBe(0);
      }),
    );
  });

  it("is the orders the stock makes at this sale's tickets per order, less fans admitted who hold nothing", () => {
    expect(stockRoom(base)).toBe(100);
    expect(stockRoom({ ...base, ticketsTaken: 300, ordersTaken: 100 })).toBe(33);
    expect(stockRoom({ ...base, ticketsTaken: 300, ordersTaken: 100, activeCheckouts: 40, holding: 30 })).toBe(23);
    expect(stockRoom({ ...base, activeCheckouts: 500, holding: 0 })).toBe(0);
    // A last ticket or two still lets one fan in, even when orders run bigger.
    expect(stockRoom({ ...base, available: 1, ticketsTaken: 40, ordersTaken: 10 })).toBe(1);
  });

  it("never lets the admitted fans without a hold pass what the stock could serve", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(1_000), fc.nat(500), (available, activeCheckouts, holding) => {
        const room = stockRoom({
          available, ticketsTaken: 0, ordersTaken: 0, activeCheckouts, holding: Math.min(holding, activeCheckouts),
        });
        expect(room + Math.max(0, activeCheckouts - Math.min(holding, activeCheckouts))).toBeLessThanOrEqual(
          Math.max(available, activeCheckouts),
        );
      }),
    );
  });
});
