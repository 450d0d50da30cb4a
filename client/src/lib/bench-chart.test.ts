// Goal: a chart's columns line up with the runs oldest first, a run without a figure is a gap,
// a target is drawn only where some run states one, and the calibration is the last line on the
// axis the mapping says.
import { describe, expect, it } from "vitest";
import { chartData, figuresInWords, formatNumber } from "./bench-chart.js";
import { chartsFor } from "./bench-scenarios.js";
import { benchRun, purchaseRun } from "./bench-test-support.js";

const purchase = chartsFor("purchase")[0]!;

describe("chartData", () => {
  it("puts runs oldest first with one column per figure, target and calibration", () => {
    const newer = purchaseRun("2026-11-22T01:11:47.718Z", { c30: 29.7, c200: 23.4 }, 2590);
    const older = purchaseRun("2026-11-22T00:44:06.986Z", { c30: null, c200: 17.2 }, 2479);
    const data = chartData(purchase, [newer, older]);
    expect(data.x).toEqual([Date.parse(older.startedAt) / 1000, Date.parse(newer.startedAt) / 1000]);
    expect(data.lines.map((l) => [l.label, l.kind, l.axis])).toEqual([
      ["c=30", "figure", "figure"],
      ["c=200", "figure", "figure"],
      ["c=200 target", "target", "figure"],
      ["GET /noop ops/s (c=200)", "calibration", "figure"],
    ]);
    expect(data.columns).toEqual([
      [null, 29.7],
      [17.2, 23.4],
      [1500, 1500],
      [2479, 2590],
    ]);
    expect(data.hasFigures).toBe(true);
  });

  it("gives a time figure's calibration its own axis", () => {
    const run = benchRun({
      name: "last-ticket",
      figures: [{ granted: 1000, "sold out in s": 3.73, "sold-out target": "≤ 2 s" }],
    });
    const data = chartData(chartsFor("last-ticket")[0]!, [run]);
    expect(data.lines.at(-1)).toMatchObject({ kind: "calibration", axis: "calibration" });
    expect(data.columns).toEqual([[3.73], [2], [1212]]);
  });

  it("says when no run has the figure", () => {
    const run = benchRun({ name: "flash-sale", figures: [{ "sold out in s": "not within the run" }] });
    const data = chartData(chartsFor("flash-sale")[0]!, [run]);
    expect(data.hasFigures).toBe(false);
    expect(chartData(purchase, []).x).toEqual([]);
  });
});

describe("figuresInWords", () => {
  it("names each series with its unit and target", () => {
    const run = purchaseRun("2026-11-22T01:11:47.718Z", { c30: 29.7, c200: 23.4 });
    expect(figuresInWords(purchase, run)).toBe("c=30 29.7/s · c=200 23.4/s (target 1,500)");
    const holds = chartsFor("holds")[0]!;
    expect(figuresInWords(holds, benchRun())).toBe("178/s (target 8,000)");
    expect(figuresInWords(holds, benchRun({ figures: [] }))).toBe("—");
  });
});

describe("formatNumber", () => {
  it("keeps small figures precise and large ones short", () => {
    expect(formatNumber(0.98691, "en-US")).toBe("0.987");
    expect(formatNumber(1647.18, "en-US")).toBe("1,647.2");
    expect(formatNumber(3.73, "en-US")).toBe("3.73");
  });
});
