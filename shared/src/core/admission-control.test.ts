// Goal: the admission controller stays inside the operator's limits, backs off on every overload
// sign (to what the checkout serves, between half and nine tenths of the rate), never grows while
// overloaded, and climbs back to the ceiling once the checkout is healthy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cutSpacingMs,
  cutToServedFraction,
  fansAboutToOrder,
  hasHeadroom,
  healthyCheckout,
  overloadThresholds,
  recoveryGain,
  slowStartGain,
  startSteering,
  steerAdmission,
  stockRoom,
  type CheckoutHealth,
  type CheckoutSignal,
  type SteerState,
} from "./admission-control.js";

const signals = Object.keys(overloadThresholds) as CheckoutSignal[];

const overloaded = (signal: CheckoutSignal, by = 1): CheckoutHealth => ({
  ...healthyCheckout,
  [signal]: overloadThresholds[signal] + by,
});

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
    holdsPerSecond: fc.nat(2_000),
  }),
);

/** A healthy checkout whose fans hold as soon as they are admitted at this rate a minute. */
const servingAt = (ratePerMinute: number): CheckoutHealth => ({
  ...healthyCheckout,
  holdsPerSecond: ratePerMinute / 60,
});

const step = fc.record({ health, elapsedMs: fc.integer({ min: 0, max: 3_000 }), demand: fc.boolean() });

function isOverloaded(h: CheckoutHealth): boolean {
  return signals.some((s) => h[s] !== null && (h[s] as number) > overloadThresholds[s]);
}

describe("steerAdmission", () => {
  it("never leaves [floor, ceiling] and never grows while any sign shows overload", () => {
    fc.assert(
      fc.property(
        limits,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(step, { maxLength: 60 }),
        (lim, start, steps) => {
          let state: SteerState = startSteering(start, lim.floorPerMinute, lim.ceilingPerMinute);
          let now = 0;
          for (const s of steps) {
            now += s.elapsedMs;
            const next = steerAdmission({ state, ...lim, ...s, nowMs: now });
            expect(next.ratePerMinute).toBeGreaterThanOrEqual(lim.floorPerMinute);
            expect(next.ratePerMinute).toBeLessThanOrEqual(lim.ceilingPerMinute);
            if (isOverloaded(s.health)) expect(next.ratePerMinute).toBeLessThanOrEqual(state.ratePerMinute);
            if (!s.demand && !isOverloaded(s.health)) expect(next.ratePerMinute).toBe(state.ratePerMinute);
            const slowest = state.ratePerMinute + Math.max(1, state.ratePerMinute * 0.03) * (s.elapsedMs / 1_000);
            const paced = Math.max(
              slowest,
              Math.ceil(slowStartGain * 60 * s.health.holdsPerSecond),
              lim.floorPerMinute,
            );
            expect(next.ratePerMinute).toBeLessThanOrEqual(Math.min(lim.ceilingPerMinute, Math.ceil(paced)));
            state = next;
          }
        },
      ),
    );
  });

  it.each(signals)("halves the rate on %s, and names it", (signal) => {
    const state = startSteering(4_000, 60, 10_000);
    const next = steerAdmission({
      state,
      health: overloaded(signal),
      floorPerMinute: 60,
      ceilingPerMinute: 10_000,
      nowMs: 10_000,
      elapsedMs: 500,
      demand: true,
    });
    expect(next).toMatchObject({ ratePerMinute: 2_000, reason: signal, lastCutMs: 10_000, cutFromPerMinute: 4_000 });
    expect(next.cutHoldOffMs).toBe(signal === "settlementLagMs" ? overloadThresholds.settlementLagMs + 1 : 0);
  });

  it("cuts to 90% of the holds the checkout answers, never below half the rate nor by less than a tenth", () => {
    const cutWith = (holdsPerSecond: number) =>
      steerAdmission({
        state: startSteering(12_000, 60, 100_000),
        health: { ...overloaded("holdP95Ms"), holdsPerSecond },
        floorPerMinute: 60,
        ceilingPerMinute: 100_000,
        nowMs: 10_000,
        elapsedMs: 500,
        demand: true,
      }).ratePerMinute;
    // Serving 10,000 a minute of the 12,000 admitted: to 9,000 (halving would throw 3,000 more away).
    expect(cutWith(10_000 / 60)).toBe(Math.round(cutToServedFraction * 10_000));
    // Serving all it is given, yet slow: by a tenth. Serving little: by half, no deeper (control: nothing answered).
    expect(cutWith(12_000 / 60)).toBe(10_800);
    expect(cutWith(1_000 / 60)).toBe(6_000);
    expect(cutWith(0)).toBe(6_000);
  });

  it("a signal at its threshold is not overload (negative control)", () => {
    const atThreshold = {
      ...servingAt(8_000),
      ...Object.fromEntries(signals.map((s) => [s, overloadThresholds[s]])),
    } as CheckoutHealth;
    const next = steerAdmission({
      state: startSteering(4_000, 60, 10_000),
      health: atThreshold,
      floorPerMinute: 60,
      ceilingPerMinute: 10_000,
      nowMs: 1,
      elapsedMs: 1_000,
      demand: true,
    });
    expect(next).toMatchObject({ ratePerMinute: 8_000, reason: "slow_start" });
  });

  it("cuts once per spacing: an overload that lasts is not punished every tick", () => {
    const lim = { floorPerMinute: 10, ceilingPerMinute: 100_000 };
    let state = startSteering(8_000, lim.floorPerMinute, lim.ceilingPerMinute);
    const rates: number[] = [];
    for (let now = 0; now <= 4 * cutSpacingMs; now += 500) {
      state = steerAdmission({
        state,
        health: overloaded("holdP95Ms"),
        ...lim,
        nowMs: now,
        elapsedMs: 500,
        demand: true,
      });
      rates.push(state.ratePerMinute);
    }
    // Cuts at 0, 1, 2, 3 and 4 spacings: five halvings, none in between.
    expect(new Set(rates)).toEqual(new Set([4_000, 2_000, 1_000, 500, 250]));
  });

  it("lets a settlement backlog drain before cutting again", () => {
    const lim = { floorPerMinute: 10, ceilingPerMinute: 100_000, demand: true, elapsedMs: 500 };
    const lagging: CheckoutHealth = { ...healthyCheckout, settlementLagMs: 9_000 };
    const cut = steerAdmission({ state: startSteering(8_000, 10, 100_000), health: lagging, ...lim, nowMs: 0 });
    expect(cut).toMatchObject({ ratePerMinute: 4_000, cutHoldOffMs: 9_000 });
    const held = steerAdmission({ state: cut, health: lagging, ...lim, nowMs: cutSpacingMs + 8_999 });
    expect(held).toMatchObject({ ratePerMinute: 4_000, reason: "settlementLagMs" });
    expect(steerAdmission({ state: held, health: lagging, ...lim, nowMs: cutSpacingMs + 9_000 }).ratePerMinute).toBe(
      2_000,
    );
    // Control: a cut on hold latency alone waits only the cut spacing.
    const slow = steerAdmission({
      state: startSteering(8_000, 10, 100_000),
      health: overloaded("holdP95Ms"),
      ...lim,
      nowMs: 0,
    });
    expect(
      steerAdmission({ state: slow, health: overloaded("holdP95Ms"), ...lim, nowMs: cutSpacingMs }).ratePerMinute,
    ).toBe(2_000);
  });

  it("recovers: after the overload ends it climbs back to the ceiling, and says so on the way", () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 8 }), (lim, cuts) => {
        let state = startSteering(lim.ceilingPerMinute, lim.floorPerMinute, lim.ceilingPerMinute);
        let now = 0;
        for (let i = 0; i < cuts; i++, now += cutSpacingMs) {
          state = steerAdmission({
            state,
            health: overloaded("poolWaits"),
            ...lim,
            nowMs: now,
            elapsedMs: cutSpacingMs,
            demand: true,
          });
        }
        const reasons = new Set<string>();
        for (let i = 0; i === 0 || (i < 2_000 && state.ratePerMinute < lim.ceilingPerMinute); i++, now += 500) {
          state = steerAdmission({
            state,
            health: servingAt(state.ratePerMinute),
            ...lim,
            nowMs: now,
            elapsedMs: 500,
            demand: true,
          });
          reasons.add(state.reason);
        }
        expect(state).toMatchObject({ ratePerMinute: lim.ceilingPerMinute, reason: "ceiling" });
        if (reasons.size > 1) expect([...reasons].some((r) => r === "recovering" || r === "pacing")).toBe(true);
      }),
    );
  });

  it("grows no faster than the checkout serves: twice the holds answered in slow start, 1.25 times after a cut", () => {
    const lim = { floorPerMinute: 60, ceilingPerMinute: 6_000, demand: true, elapsedMs: 1_000 };
    const slow = startSteering(600, 60, 6_000);
    const from = (state: SteerState, health: CheckoutHealth, nowMs = 1_000, elapsedMs = 1_000) =>
      steerAdmission({ state, health, ...lim, nowMs, elapsedMs });
    // Nothing answered yet: only the slowest climb (3% a second).
    expect(from(slow, healthyCheckout)).toMatchObject({ ratePerMinute: 618, reason: "pacing" });
    // 7 holds a second (420 a minute): at most 840.
    expect(from(slow, servingAt(420))).toMatchObject({ ratePerMinute: 840, reason: "pacing" });
    // Negative control: serving all it is given, it doubles.
    expect(from(slow, servingAt(600))).toMatchObject({ ratePerMinute: 1_200, reason: "slow_start" });
    const cut = from(startSteering(6_000, 60, 6_000), overloaded("holdP95Ms"), 0);
    expect(cut.ratePerMinute).toBe(3_000);
    // Serving 2,400 a minute: held to 3,000 × 1.03 (the slowest climb beats 1.25 × 2,400 = 3,000).
    expect(from(cut, servingAt(2_400), 10_000)).toMatchObject({ ratePerMinute: 3_090, reason: "pacing" });
    expect(from(cut, servingAt(2_600), 10_000, 2_000)).toMatchObject({
      ratePerMinute: Math.ceil(recoveryGain * 2_600),
      reason: "pacing",
    });
    // Serving all it is given, readings near a threshold: 3% of the rate it was cut from a second.
    const warm = { ...servingAt(3_000), holdP95Ms: overloadThresholds.holdP95Ms * 0.75 };
    expect(from(cut, warm, 10_000)).toMatchObject({ ratePerMinute: 3_180, reason: "recovering" });
  });

  it("climbs back faster (10% a second) while every reading is at most half its threshold", () => {
    const lim = { floorPerMinute: 60, ceilingPerMinute: 6_000, demand: true, elapsedMs: 1_000, nowMs: 10_000 };
    const cut = steerAdmission({
      state: startSteering(6_000, 60, 6_000),
      health: overloaded("holdP95Ms"),
      ...lim,
      nowMs: 0,
    });
    const cool = {
      ...servingAt(3_000),
      holdP95Ms: overloadThresholds.holdP95Ms / 2,
      settlementLagMs: overloadThresholds.settlementLagMs / 2,
    };
    expect(hasHeadroom(cool)).toBe(true);
    expect(steerAdmission({ state: cut, health: cool, ...lim })).toMatchObject({
      ratePerMinute: 3_600,
      reason: "recovering",
    });
    // Controls: any one reading past half its threshold (yet not over it), and the climb is 3% again.
    for (const warm of [
      { ...cool, settlementLagMs: overloadThresholds.settlementLagMs / 2 + 1 },
      { ...cool, poolWaits: 6 },
    ]) {
      expect(hasHeadroom(warm)).toBe(false);
      expect(steerAdmission({ state: cut, health: warm, ...lim }).ratePerMinute).toBe(3_180);
    }
  });

  it("starts from a learned pace (a fraction of it, climbing as after a cut) only when it beats the start rate", () => {
    expect(startSteering(600, 60, 60_000, 10_000)).toEqual({
      ratePerMinute: 8_000,
      reason: "recovering",
      lastCutMs: null,
      cutFromPerMinute: 8_000,
    });
    expect(startSteering(600, 60, 6_000, 10_000).ratePerMinute).toBe(6_000);
    // Control: nothing learned, or less than the start rate: slow start from the start rate.
    expect(startSteering(600, 60, 60_000, null)).toMatchObject({
      ratePerMinute: 600,
      reason: "slow_start",
      cutFromPerMinute: null,
    });
    expect(startSteering(600, 60, 60_000, 500)).toMatchObject({ ratePerMinute: 600, reason: "slow_start" });
  });

  it("keeps the rate while nobody waits: unused budget says nothing about capacity", () => {
    const next = steerAdmission({
      state: startSteering(600, 60, 60_000),
      health: healthyCheckout,
      floorPerMinute: 60,
      ceilingPerMinute: 60_000,
      nowMs: 5_000,
      elapsedMs: 5_000,
      demand: false,
    });
    expect(next).toMatchObject({ ratePerMinute: 600, reason: "idle" });
  });

  it("follows the operator's new limits at once", () => {
    const state = startSteering(50_000, 60, 60_000);
    const next = steerAdmission({
      state,
      health: healthyCheckout,
      floorPerMinute: 60,
      ceilingPerMinute: 1_000,
      nowMs: 1,
      elapsedMs: 0,
      demand: false,
    });
    expect(next.ratePerMinute).toBe(1_000);
  });
});

describe("stockRoom", () => {
  const base = { available: 100, ticketsTaken: 0, ordersTaken: 0, aboutToOrder: 0 };

  it("admits nobody while nothing is available, whatever else is true", () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.nat(1_000), fc.nat(1_000), (ticketsTaken, ordersTaken, aboutToOrder) => {
        expect(stockRoom({ available: 0, ticketsTaken, ordersTaken, aboutToOrder })).toBe(0);
      }),
    );
  });

  it("is the orders the stock makes at this sale's tickets per order, less fans about to order", () => {
    expect(stockRoom(base)).toBe(100);
    expect(stockRoom({ ...base, ticketsTaken: 300, ordersTaken: 100 })).toBe(33);
    expect(stockRoom({ ...base, ticketsTaken: 300, ordersTaken: 100, aboutToOrder: 10 })).toBe(23);
    expect(stockRoom({ ...base, aboutToOrder: 500 })).toBe(0);
    // A last ticket or two still lets one fan in, even when orders run bigger.
    expect(stockRoom({ ...base, available: 1, ticketsTaken: 40, ordersTaken: 10 })).toBe(1);
  });

  it("never lets the fans about to order pass what the stock could serve", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(1_000), (available, aboutToOrder) => {
        const room = stockRoom({ available, ticketsTaken: 0, ordersTaken: 0, aboutToOrder });
        expect(room + aboutToOrder).toBeLessThanOrEqual(Math.max(available, aboutToOrder));
      }),
    );
  });
});

describe("fansAboutToOrder", () => {
  it("counts fans admitted lately who have not ordered, never more than the admitted without an order", () => {
    // 40 admitted, 30 ordered; 25 admitted lately, 20 of whom ordered: 5 about to order.
    expect(fansAboutToOrder({ activeCheckouts: 40, ordered: 30, admittedRecently: 25, orderedRecently: 20 })).toBe(5);
    // Fans admitted long ago who never ordered (told "insufficient stock", gone) do not count.
    expect(fansAboutToOrder({ activeCheckouts: 40, ordered: 0, admittedRecently: 0, orderedRecently: 0 })).toBe(0);
    // Control: just admitted, nobody ordered yet: all of them.
    expect(fansAboutToOrder({ activeCheckouts: 40, ordered: 0, admittedRecently: 40, orderedRecently: 0 })).toBe(40);
    expect(fansAboutToOrder({ activeCheckouts: 10, ordered: 10, admittedRecently: 5, orderedRecently: 0 })).toBe(0);
  });

  it("does not wait for fans refused at a hold for want of stock", () => {
    // One seat left, one fan let in, refused (wanted two): nobody is about to order, the next may come.
    const lastSeat = { activeCheckouts: 1, ordered: 0, admittedRecently: 1, orderedRecently: 0 };
    const oneLeft = { available: 1, ticketsTaken: 0, ordersTaken: 0 };
    expect(fansAboutToOrder({ ...lastSeat, refusedRecently: 1 })).toBe(0);
    expect(stockRoom({ ...oneLeft, aboutToOrder: fansAboutToOrder({ ...lastSeat, refusedRecently: 1 }) })).toBe(1);
    // Control: without the refusal the fan holds the last seat's room for the whole window.
    expect(fansAboutToOrder(lastSeat)).toBe(1);
    expect(stockRoom({ ...oneLeft, aboutToOrder: fansAboutToOrder(lastSeat) })).toBe(0);
    expect(
      fansAboutToOrder({
        activeCheckouts: 40,
        ordered: 0,
        admittedRecently: 40,
        orderedRecently: 0,
        refusedRecently: 50,
      }),
    ).toBe(0);
  });
});
