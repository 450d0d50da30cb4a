// Goal: the charts' y axes read right for small ranges — no repeated labels ("1, 1, 0"), ticks on
// whole numbers for whole-number series, a top with headroom that is itself a tick.
import { describe, expect, it } from "vitest";
import { axisTicks, axisTop, tickLabel, tickStep } from "./chart-axis.js";

const labels = (max: number, decimals: number): string[] =>
  axisTicks(axisTop(max, decimals), decimals).map((v) => tickLabel(v, decimals));

describe("chart y axis", () => {
  it("labels a 0–1 whole-number range 0, 1 (not 0, 0, 0, 1, 1, 1)", () => {
    expect(labels(0, 0)).toEqual(["0", "1"]);
    expect(labels(1, 0)).toEqual(["0", "1", "2"]);
  });

  it("never repeats a label and never shows a fraction on a whole-number axis", () => {
    for (let max = 0; max <= 5_000; max += max < 50 ? 1 : 37) {
      for (const decimals of [0, 1]) {
        const shown = labels(max, decimals);
        expect(new Set(shown).size, `max ${max}, ${decimals} decimals: ${shown.join(", ")}`).toBe(shown.length);
        expect(shown.length).toBeGreaterThanOrEqual(2);
        expect(shown.length).toBeLessThanOrEqual(6);
        expect(axisTop(max, decimals)).toBeGreaterThanOrEqual(max);
      }
    }
    expect(labels(7, 0)).toEqual(["0", "5", "10"]);
    expect(labels(0.4, 1)).toEqual(["0.0", "0.2", "0.4", "0.6"]);
  });

  it("steps by 1, 2 or 5 times a power of ten, no finer than the decimals", () => {
    expect(tickStep(1, 0)).toBe(1);
    expect(tickStep(0.3, 1)).toBe(0.1);
    expect(tickStep(12, 0)).toBe(5);
    expect(tickStep(1_150, 0)).toBe(500);
  });
});
