// Goal: the per-benchmark mapping reads the figures the benchmarks really write — targets in words
// become numbers, words stay no value, rows are picked by their keys — and every benchmark of
// performance.md has a chart whose columns exist in the newest file it recorded in bench/results.
import { describe, expect, it } from "vitest";
import {
  chartsFor,
  findRow,
  numericCell,
  parseTarget,
  readSeries,
  scenarioCharts,
  scenarioOrder,
} from "./bench-scenarios.js";
import { benchRun, purchaseRun } from "./bench-test-support.js";
import type { BenchRow } from "./bench-views.js";

describe("parseTarget", () => {
  it("reads the number of a target in words", () => {
    expect(parseTarget("≥ 8000")).toBe(8000);
    expect(parseTarget("≤ 2 s")).toBe(2);
    expect(parseTarget("≤ 100")).toBe(100);
    expect(parseTarget("≥ 0.999")).toBe(0.999);
    expect(parseTarget("≥ 1,500")).toBe(1500);
    expect(parseTarget("≤ 20 KB")).toBe(20);
    expect(parseTarget("exactly 1000")).toBe(1000);
    expect(parseTarget(">= 5000")).toBe(5000);
    expect(parseTarget(42)).toBe(42);
  });

  it("has no target where there is no number", () => {
    for (const v of ["", "none", "sold out while all invariants hold", null, true, undefined, Number.NaN])
      expect(parseTarget(v)).toBeNull();
  });
});

describe("numericCell", () => {
  it("takes numbers and numeric strings, and nothing else", () => {
    expect(numericCell(23.4)).toBe(23.4);
    expect(numericCell(-300)).toBe(-300);
    expect(numericCell("45.12")).toBe(45.12);
    for (const v of ["not within the run", "", "0..24", "2000/2000", null, false, undefined, Number.POSITIVE_INFINITY])
      expect(numericCell(v)).toBeNull();
  });
});

describe("findRow", () => {
  it("picks the first row matching every key, or the first row with no keys", () => {
    const rows = [
      { concurrency: 30, x: 1 },
      { concurrency: 200, x: 2 },
      { concurrency: 200, x: 3 },
    ];
    expect(findRow(rows, { concurrency: 200 })).toEqual({ concurrency: 200, x: 2 });
    expect(findRow(rows, undefined)).toEqual({ concurrency: 30, x: 1 });
    expect(findRow(rows, { concurrency: 1000 })).toBeNull();
    expect(findRow([], undefined)).toBeNull();
  });
});

describe("the mapping", () => {
  it("charts every benchmark of the performance spec, and only known names", () => {
    expect([...scenarioOrder].sort()).toEqual(Object.keys(scenarioCharts).sort());
    for (const name of scenarioOrder) expect(chartsFor(name).length, name).toBeGreaterThan(0);
    expect(chartsFor("something-new")).toEqual([]);
    expect(chartsFor("constructor")).toEqual([]);
  });

  it("reads purchase's paid tickets/s per concurrency with the target of its own row", () => {
    const [chart] = chartsFor("purchase");
    const run = purchaseRun("2026-11-22T01:11:47.718Z", { c30: 29.7, c200: 23.4 }, 2590);
    expect(chart?.series.map((s) => readSeries(s, run))).toEqual([
      { value: 29.7, target: null },
      { value: 23.4, target: 1500 },
    ]);
    expect(chart && readSeries(chart.calibration, run).value).toBe(2590);
  });

  it("reads holds/s against its target and the GET /noop calibration, not the Socket.IO ack", () => {
    const [chart] = chartsFor("holds");
    const run = benchRun();
    expect(chart && readSeries(chart.series[0]!, run)).toEqual({ value: 178, target: 8000 });
    expect(chart && readSeries(chart.calibration, run).value).toBe(1212);
  });

  it("leaves a flash sale that did not sell out without a value", () => {
    const [chart] = chartsFor("flash-sale");
    const run = benchRun({ name: "flash-sale", figures: [{ fans: 5000, "sold out in s": "not within the run" }] });
    expect(chart && readSeries(chart.series[0]!, run).value).toBeNull();
  });

  it("reads the ledger's first-hold rate per concurrency and its SELECT 1 calibration", () => {
    const [chart] = chartsFor("ledger");
    const figures = [1, 10, 100, 1000].flatMap((c) =>
      ["first", "repeat", "tier"].map((shape) => ({
        shape,
        concurrency: c,
        holdsPerSecond: c + (shape === "first" ? 1 : 0),
        calibrationRoundTripsPerSecond: 20_000 + c,
      })),
    );
    const run = benchRun({ name: "ledger", calibration: [], figures });
    expect(chart?.series.map((s) => readSeries(s, run).value)).toEqual([2, 11, 101, 1001]);
    expect(chart && readSeries(chart.calibration, run).value).toBe(21_000);
  });
});

describe("against the recorded files in bench/results", () => {
  // Every committed result, read at test time: a benchmark that renames a column breaks this test,
  // not silently the page's chart.
  const recorded = import.meta.glob<{ name: string; figures: BenchRow[]; calibration?: BenchRow[] }>(
    "../../../bench/results/*.json",
    { eager: true, import: "default" },
  );
  const newest = new Map<string, { file: string; figures: BenchRow[]; calibration: BenchRow[] }>();
  for (const file of Object.keys(recorded).sort()) {
    const r = recorded[file];
    if (r && !file.endsWith("/baselines.json"))
      newest.set(r.name, { file, figures: r.figures, calibration: r.calibration ?? [] });
  }

  it.each(scenarioOrder.filter((name) => newest.has(name)))(
    "%s: every charted column is in its newest recorded run",
    (name) => {
      const run = newest.get(name)!;
      for (const chart of chartsFor(name)) {
        for (const series of [...chart.series, chart.calibration]) {
          const rows = series.value.table === "figures" ? run.figures : run.calibration;
          const row = findRow(rows, series.value.where);
          expect(row, `${run.file}: ${series.label} (${JSON.stringify(series.value.where ?? {})})`).not.toBeNull();
          expect(Object.keys(row ?? {}), `${run.file}: ${series.label}`).toContain(series.value.column);
          if (series.targetColumn)
            expect(Object.keys(row ?? {}), `${run.file}: ${series.label} target`).toContain(series.targetColumn);
        }
      }
    },
  );
});
