// Goal: the dashboard's four series come out of the stats ticks right — rates from differences
// of running totals over real elapsed time, gauges as read, bounded length, and late, repeated
// or reset ticks never make a negative or doubled point.
import { describe, expect, it } from "vitest";
import { admissionsThisTick } from "@stampede/shared/core/admission";
import {
  addSample,
  chartColumns,
  defaultSeriesLimits,
  emptySeries,
  latest,
  sampleOf,
  type Series,
  type StatsSample,
} from "./series.js";
import { adminStats } from "./test-support.js";

const t0 = Date.parse("2030-03-14T18:00:00Z");

function sample(atS: number, over: Partial<StatsSample> = {}): StatsSample {
  return { atMs: t0 + atS * 1_000, sold: 0, admittedTotal: 0, activeHolds: 0, queueDepth: 0, ...over };
}

function feed(samples: StatsSample[], limits?: Parameters<typeof addSample>[2]): Series {
  return samples.reduce<Series>((series, s) => addSample(series, s, limits), emptySeries);
}

describe("sampleOf", () => {
  it("sums sold over tiers and reads holds and queue depth", () => {
    const stats = adminStats({
      classes: [
        { id: "a", code: "A", capacity: 10, available: 5, held: 2, sold: 3 },
        { id: "b", code: "B", capacity: 10, available: 1, held: 0, sold: 9 },
      ],
    });
    expect(sampleOf(stats)).toEqual({ atMs: stats.atMs, sold: 12, admittedTotal: 10, activeHolds: 2, queueDepth: 40 });
  });
});

describe("addSample", () => {
  it("turns sold totals into sales per second over the elapsed time", () => {
    const series = feed([sample(0, { sold: 10 }), sample(1, { sold: 14 }), sample(3, { sold: 20 })]);
    expect(series.points.map((p) => p.salesPerSecond)).toEqual([0, 4, 3]);
  });

  it("keeps gauges as read", () => {
    const series = feed([
      sample(0, { activeHolds: 5, queueDepth: 900 }),
      sample(1, { activeHolds: 7, queueDepth: 850 }),
    ]);
    expect(latest(series, "activeHolds")).toBe(7);
    expect(latest(series, "queueDepth")).toBe(850);
  });

  it("measures admissions per minute over the last whole minute, once a minute has been seen", () => {
    const limits = { pointsMax: 100, rateWindowMs: 10_000 };
    const samples = Array.from({ length: 21 }, (_, i) => sample(i, { admittedTotal: i * 5 })); // 5 a second
    const series = feed(samples, limits);
    expect(series.points.slice(0, 10).every((p) => p.admissionsPerMinute === null)).toBe(true); // under 10 s seen
    expect(series.points[10]?.admissionsPerMinute).toBe(300);
    expect(latest(series, "admissionsPerMinute")).toBe(300);
    expect(series.samples.length).toBe(11); // the 10 s window, both ends included
  });

  it("reads a slow admission rate as it is: 2/min paid out by the room's own bucket never shows as 6/min", () => {
    // The room's bucket (shared/src/core/admission.ts) at 2/min, ticking every 500 ms with fans
    // always waiting; the dashboard gets the running total once a second, for five minutes.
    let bucket: { tokenParts: number | null; lastMs: number | null } = { tokenParts: null, lastMs: null };
    let admitted = 0;
    const samples: StatsSample[] = [];
    for (let ms = 0; ms <= 300_000; ms += 500) {
      const tick = admissionsThisTick({ ...bucket, nowMs: t0 + ms, admitPerMinute: 2, freeSlots: 100, waiting: 100 });
      bucket = { tokenParts: tick.tokenParts, lastMs: tick.lastMs };
      admitted += tick.admit;
      if (ms % 1_000 === 0) samples.push(sample(ms / 1_000, { admittedTotal: admitted }));
    }
    expect(admitted).toBe(11); // the truth: one at once (a full bucket), then one every 30 s
    const shown = feed(samples, { ...defaultSeriesLimits, pointsMax: samples.length }).points.map(
      (p) => p.admissionsPerMinute,
    );
    expect(shown.slice(0, 60).every((v) => v === null)).toBe(true);
    const measured = shown.filter((v): v is number => v !== null);
    expect(measured.length).toBeGreaterThan(200);
    expect(Math.max(...measured)).toBeLessThan(3.05); // a minute holds 2 admissions, 3 at a window's edge
    expect(Math.min(...measured)).toBeGreaterThan(1.9);
    expect(measured.filter((v) => Math.round(v) === 2).length / measured.length).toBeGreaterThan(0.9);
  });

  it("drops ticks that are not newer than the last one", () => {
    const series = feed([
      sample(0, { sold: 1 }),
      sample(2, { sold: 5 }),
      sample(1, { sold: 3 }),
      sample(2, { sold: 9 }),
    ]);
    expect(series.points.map((p) => p.atMs)).toEqual([t0, t0 + 2_000]);
    expect(series.points.map((p) => p.salesPerSecond)).toEqual([0, 2]);
  });

  it("never goes negative when a total goes down (a refund, a restarted room)", () => {
    const limits = { pointsMax: 10, rateWindowMs: 1_000 };
    const series = feed(
      [
        sample(0, { sold: 10, admittedTotal: 50 }),
        sample(1, { sold: 8, admittedTotal: 50 }),
        sample(2, { sold: 8, admittedTotal: 0 }),
      ],
      limits,
    );
    expect(series.points.map((p) => p.salesPerSecond)).toEqual([0, 0, 0]);
    expect(latest(series, "admissionsPerMinute")).toBe(0);
  });

  it("keeps at most pointsMax points, the newest", () => {
    const series = feed(
      Array.from({ length: 10 }, (_, i) => sample(i)),
      { pointsMax: 4, rateWindowMs: 10_000 },
    );
    expect(series.points.map((p) => (p.atMs - t0) / 1_000)).toEqual([6, 7, 8, 9]);
  });
});

describe("chartColumns", () => {
  it("gives uPlot x in Unix seconds and y with nulls kept", () => {
    const series = feed([sample(0, { admittedTotal: 0 }), sample(1, { admittedTotal: 1 })]);
    expect(chartColumns(series, "admissionsPerMinute")).toEqual([
      [t0 / 1_000, t0 / 1_000 + 1],
      [null, null],
    ]);
    expect(chartColumns(emptySeries, "salesPerSecond")).toEqual([[], []]);
  });
});
