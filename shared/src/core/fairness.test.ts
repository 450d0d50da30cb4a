// Goal: the fairness figures from a known set of fans — outcomes, time-in-line percentiles,
// drop-off, conversion, deciles and fans admitted after the sell-out — match hand-computed values.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decileFigures,
  fairnessRecord,
  fairnessSummary,
  fanOutcome,
  percentile,
  type FairnessRow,
} from "./fairness.js";

const row = (over: Partial<FairnessRow> & { n: number }): FairnessRow => ({
  fanId: `fan-${over.n}`,
  queueNumber: over.n,
  joinedAtMs: 1_000,
  admittedAtMs: null,
  leftAtMs: null,
  orders: 0,
  paidTickets: 0,
  ...over,
});

describe("fairness figures", () => {
  it("tells each fan's outcome", () => {
    expect(fanOutcome(row({ n: 1, admittedAtMs: 5, orders: 1, paidTickets: 2 }))).toBe("bought");
    expect(fanOutcome(row({ n: 1, admittedAtMs: 5, orders: 1 }))).toBe("held_not_bought");
    expect(fanOutcome(row({ n: 1, admittedAtMs: 5 }))).toBe("admitted_no_hold");
    expect(fanOutcome(row({ n: 1, leftAtMs: 5 }))).toBe("left");
    expect(fanOutcome(row({ n: 1 }))).toBe("never_admitted");
  });

  it("takes nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 90), percentile(values, 99)]).toEqual([50, 90, 99]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it("sums a small sale", () => {
    const rows = [
      row({ n: 1, joinedAtMs: 0, admittedAtMs: 1_000, orders: 1, paidTickets: 2 }),
      row({ n: 2, joinedAtMs: 0, admittedAtMs: 2_000, orders: 2, paidTickets: 1 }),
      row({ n: 3, joinedAtMs: 0, admittedAtMs: 3_000, orders: 1 }),
      row({ n: 4, joinedAtMs: 0, admittedAtMs: 5_000 }),
      row({ n: 5, leftAtMs: 4_000 }),
      row({ n: 6 }),
    ];
    const s = fairnessSummary("ev", rows, 2_500, 10_000);
    expect(s.fans).toEqual({
      joined: 6,
      admitted: 4,
      outcomes: { bought: 2, held_not_bought: 1, admitted_no_hold: 1, left: 1, never_admitted: 1 },
    });
    expect(s.inversions).toBe(0);
    expect(s.timeInLine).toEqual({ samples: 4, p50Ms: 2_000, p90Ms: 5_000, p99Ms: 5_000 });
    expect(s.dropOff).toEqual({ leftBeforeAdmission: 1, neverAdmitted: 1, rate: 2 / 6 });
    expect(s.conversion).toEqual({ admitted: 4, bought: 2, rate: 0.5 });
    expect(s.soldOutAt).toBe(new Date(2_500).toISOString());
    expect(s.admittedAfterSoldOut).toBe(2);
    expect(s.admissionOrder[0]).toEqual({ queueNumber: 1, afterFirstMs: 0 });
    expect(s.deciles.map((d) => d.tickets)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("has nothing to divide with no fans", () => {
    const s = fairnessSummary("ev", [], null, 0);
    expect(s.dropOff.rate).toBeNull();
    expect(s.conversion.rate).toBeNull();
    expect(s.timeInLine.p50Ms).toBeNull();
    expect(s.admittedAfterSoldOut).toBe(0);
    expect(s.deciles).toHaveLength(10);
  });

  it("cuts the line into ten slices that hold every numbered fan once", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 300 }), (tickets) => {
        const rows = tickets.map((t, i) => row({ n: i + 1, paidTickets: t, orders: t > 0 ? 1 : 0 }));
        const deciles = decileFigures(rows);
        const sizes = deciles.map((d) => d.fans);
        return (
          sizes.reduce((a, b) => a + b, 0) === rows.length &&
          Math.max(...sizes) - Math.min(...sizes) <= 1 &&
          deciles.reduce((a, d) => a + d.tickets, 0) === tickets.reduce((a, b) => a + b, 0)
        );
      }),
    );
  });

  it("puts the first tenth of the line in the first decile", () => {
    const rows = Array.from({ length: 20 }, (_, i) => row({ n: 100 - i, paidTickets: i >= 18 ? 1 : 0, orders: 1 }));
    expect(decileFigures(rows)[0]).toEqual({ decile: 1, fans: 2, buyers: 2, tickets: 2 });
  });

  it("writes a record with ISO times", () => {
    expect(fairnessRecord(row({ n: 3, admittedAtMs: 2_000 }))).toEqual({
      fanId: "fan-3",
      queueNumber: 3,
      joinedAt: new Date(1_000).toISOString(),
      admittedAt: new Date(2_000).toISOString(),
      leftAt: null,
      outcome: "admitted_no_hold",
      ticketsBought: 0,
    });
  });
});
