// Goal: the rate budget pays out admitPerMinute evenly, never saves up more than one second's
// worth (so an idle spell cannot burst into checkout), respects slots and pauses; positions and
// ETAs never promise more than the room can deliver.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  admissionsThisTick,
  bucketCapParts,
  etaSeconds,
  position,
  tokenPartsPerToken,
  type TickResult,
} from "./admission.js";

const t0 = 1_700_000_000_000;

/** Runs ticks every stepMs for durationMs with unlimited slots and fans; returns admissions per tick. */
function run(admitPerMinute: number, stepMs: number, durationMs: number, start: TickResult | null = null): number[] {
  let state = start ?? { admit: 0, tokenParts: null as number | null, lastMs: null as number | null };
  const out: number[] = [];
  for (let now = t0; now < t0 + durationMs; now += stepMs) {
    const r = admissionsThisTick({
      tokenParts: state.tokenParts,
      lastMs: state.lastMs,
      nowMs: now,
      admitPerMinute,
      freeSlots: 1e6,
      waiting: 1e6,
    });
    out.push(r.admit);
    state = r;
  }
  return out;
}

describe("admissionsThisTick", () => {
  it("pays 600/min out as one fan per 100 ms tick after the first second's worth", () => {
    const perTick = run(600, 100, 60_000);
    expect(perTick[0]).toBe(10); // a fresh bucket counts as idle: one second's worth, no more
    expect(perTick.slice(1).every((n) => n === 1)).toBe(true);
    expect(perTick.reduce((a, b) => a + b, 0)).toBe(600 - 1 + 10);
  });

  it("never bursts more than one second's worth after an idle minute", () => {
    const busy = admissionsThisTick({
      tokenParts: 0,
      lastMs: t0,
      nowMs: t0 + 60_000,
      admitPerMinute: 600,
      freeSlots: 1e6,
      waiting: 1e6,
    });
    expect(busy.admit).toBe(10);
    const longIdle = admissionsThisTick({
      tokenParts: 0,
      lastMs: 0,
      nowMs: t0,
      admitPerMinute: 600,
      freeSlots: 1e6,
      waiting: 1e6,
    });
    expect(longIdle.admit).toBe(10);
  });

  it("lets a slow room (under 60/min) admit one fan at a time", () => {
    const perTick = run(30, 1_000, 10_000);
    expect(perTick).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(bucketCapParts(30)).toBe(tokenPartsPerToken);
  });

  it("admits no more than free slots or waiting fans, and keeps unspent tokens", () => {
    const r = admissionsThisTick({
      tokenParts: null,
      lastMs: null,
      nowMs: t0,
      admitPerMinute: 600,
      freeSlots: 3,
      waiting: 7,
    });
    expect(r.admit).toBe(3);
    expect(r.tokenParts).toBe(7 * tokenPartsPerToken);
    const nobody = admissionsThisTick({ ...r, nowMs: t0 + 100, admitPerMinute: 600, freeSlots: 5, waiting: 0 });
    expect(nobody.admit).toBe(0);
    expect(nobody.tokenParts).toBe(8 * tokenPartsPerToken); // 7 kept + 100 ms of refill
  });

  it("admits nobody while paused and does not fill the bucket meanwhile", () => {
    const empty = { tokenParts: 0, lastMs: t0 };
    const paused = admissionsThisTick({
      ...empty,
      nowMs: t0 + 60_000,
      admitPerMinute: 600,
      freeSlots: 10,
      waiting: 10,
      paused: true,
    });
    expect(paused).toEqual({ admit: 0, tokenParts: 0, lastMs: t0 + 60_000 });
    const resumed = admissionsThisTick({
      ...paused,
      nowMs: t0 + 60_100,
      admitPerMinute: 600,
      freeSlots: 10,
      waiting: 10,
    });
    expect(resumed.admit).toBe(1);
  });

  it("refills nothing when the clock goes backwards, then carries on from the new clock", () => {
    const back = admissionsThisTick({
      tokenParts: 0,
      lastMs: t0,
      nowMs: t0 - 5_000,
      admitPerMinute: 600,
      freeSlots: 10,
      waiting: 10,
    });
    expect(back).toEqual({ admit: 0, tokenParts: 0, lastMs: t0 - 5_000 });
  });

  it("over any run admits at most rate × time + one second's worth (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.record({ stepMs: fc.integer({ min: 0, max: 5_000 }), slots: fc.integer({ min: 0, max: 50 }) }), {
          maxLength: 60,
        }),
        (admitPerMinute, steps) => {
          let state: TickResult = { admit: 0, tokenParts: 0, lastMs: t0 };
          let now = t0;
          let total = 0;
          for (const s of steps) {
            now += s.stepMs;
            state = admissionsThisTick({
              tokenParts: state.tokenParts,
              lastMs: state.lastMs,
              nowMs: now,
              admitPerMinute,
              freeSlots: s.slots,
              waiting: 1e6,
            });
            total += state.admit;
            expect(state.admit).toBeLessThanOrEqual(Math.max(1, admitPerMinute / 60));
            expect(state.tokenParts).toBeGreaterThanOrEqual(0);
            expect(state.tokenParts).toBeLessThanOrEqual(bucketCapParts(admitPerMinute));
          }
          expect(total).toBeLessThanOrEqual(Math.floor(((now - t0) * admitPerMinute) / tokenPartsPerToken));
        },
      ),
    );
  });

  it("asserts on programmer errors", () => {
    expect(() =>
      admissionsThisTick({ tokenParts: null, lastMs: null, nowMs: t0, admitPerMinute: 0, freeSlots: 1, waiting: 1 }),
    ).toThrow(/admitPerMinute/);
    expect(() =>
      admissionsThisTick({ tokenParts: -1, lastMs: t0, nowMs: t0, admitPerMinute: 60, freeSlots: 1, waiting: 1 }),
    ).toThrow(/tokenParts/);
  });
});

describe("position", () => {
  it("is the distance to the cursor, 0 once the cursor has reached the fan", () => {
    expect(position(15, 10)).toBe(5);
    expect(position(11, 10)).toBe(1);
    expect(position(10, 10)).toBe(0);
    expect(position(3, 10)).toBe(0);
    expect(() => position(0, 0)).toThrow();
  });
});

describe("etaSeconds", () => {
  it("uses the admission rate while free slots cover the fan", () => {
    expect(etaSeconds({ position: 0, admitPerMinute: 600, freeSlots: 0 })).toBe(0);
    expect(etaSeconds({ position: 10, admitPerMinute: 600, freeSlots: 200 })).toBe(1);
    expect(etaSeconds({ position: 100, admitPerMinute: 60, freeSlots: 200 })).toBe(100);
  });

  it("beyond the free slots, goes at the slower of rate and slot turnover, or says it cannot tell", () => {
    expect(etaSeconds({ position: 30, admitPerMinute: 600, freeSlots: 10 })).toBeNull();
    expect(etaSeconds({ position: 30, admitPerMinute: 600, freeSlots: 10, slotsFreedPerMinute: 20 })).toBe(1 + 60);
    expect(etaSeconds({ position: 30, admitPerMinute: 60, freeSlots: 10, slotsFreedPerMinute: 6_000 })).toBe(30);
  });

  it("cannot promise anything while paused", () => {
    expect(etaSeconds({ position: 5, admitPerMinute: 600, freeSlots: 10, paused: true })).toBeNull();
  });
});
