// Goal: the fairness figures read the same on both pages — percentages, waits, bars and the
// admission-order line — including the empty sale.
import { describe, expect, it } from "vitest";
import type { FairnessSummary } from "@stampede/shared/api/fairness";
import { admissionOrderPath, decileBars, headlineFigures, percentText, waitText } from "./fairness-view.js";

const summary = (over: Partial<FairnessSummary> = {}): FairnessSummary => ({
  eventId: "ev",
  generatedAt: "2026-01-01T00:00:00.000Z",
  fans: {
    joined: 3,
    admitted: 2,
    outcomes: { bought: 1, held_not_bought: 0, admitted_no_hold: 1, left: 1, never_admitted: 0 },
  },
  inversions: 0,
  timeInLine: { samples: 2, p50Ms: 1_500, p90Ms: 65_000, p99Ms: 65_000 },
  dropOff: { leftBeforeAdmission: 1, neverAdmitted: 0, rate: 1 / 3 },
  conversion: { admitted: 2, bought: 1, rate: 0.5 },
  deciles: Array.from({ length: 10 }, (_, i) => ({
    decile: i + 1,
    fans: 1,
    buyers: 0,
    tickets: i === 0 ? 4 : i === 1 ? 2 : 0,
  })),
  soldOutAt: null,
  admittedAfterSoldOut: 0,
  admissionOrder: [
    { queueNumber: 1, afterFirstMs: 0 },
    { queueNumber: 3, afterFirstMs: 1_000 },
  ],
  ...over,
});

describe("fairness view", () => {
  it("writes rates and waits", () => {
    expect([percentText(null), percentText(2 / 3), percentText(1)]).toEqual(["—", "66.7%", "100%"]);
    expect([waitText(null), waitText(850), waitText(12_400), waitText(185_000), waitText(120_000)]).toEqual([
      "—",
      "850 ms",
      "12.4 s",
      "3 min 5 s",
      "2 min",
    ]);
  });

  it("scales the decile bars to the highest", () => {
    const bars = decileBars(summary().deciles, 100, 50);
    expect(bars.map((b) => b.height)).toEqual([50, 25, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(bars[0]).toMatchObject({ label: "1", value: 4, y: 0, x: 1, width: 8 });
    expect(decileBars([], 100, 50)).toEqual([]);
  });

  it("draws the admission order from bottom left", () => {
    expect(admissionOrderPath(summary().admissionOrder, 100, 50)).toBe("M0.0,50.0 L100.0,0.0");
    expect(admissionOrderPath([], 100, 50)).toBe("");
  });

  it("lists the headline figures", () => {
    const figures = headlineFigures(summary({ inversions: 3 }));
    expect(figures.map((f) => f.value)).toEqual(["3", "1.5 s", "33.3%", "50%", "0"]);
    expect(figures[1]!.note).toBe("p90 1 min 5 s · p99 1 min 5 s");
  });
});
