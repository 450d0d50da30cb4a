// Goal: the controller chart's points come out right — seeded from the server's history, extended
// by ticks, one point per controller step however often a tick repeats it or a re-read overlaps
// it, late points dropped, bounded in time and length, and laid out for uPlot's two scales.
import { describe, expect, it } from "vitest";
import {
  addAdmissionPoint,
  admissionColumns,
  admissionPointOf,
  mergeAdmissionHistory,
  type AdmissionPoint,
} from "./admission-chart.js";

const t0 = Date.parse("2030-03-14T18:00:00Z");

function point(atS: number, over: Partial<AdmissionPoint> = {}): AdmissionPoint {
  return {
    atMs: t0 + atS * 1_000,
    ratePerMinute: 600 + atS,
    reason: "slow_start",
    holdP95Ms: 100,
    settlementLagMs: null,
    ...over,
  };
}

const feed = (points: AdmissionPoint[], limits?: Parameters<typeof addAdmissionPoint>[2]) =>
  points.reduce<readonly AdmissionPoint[]>((all, p) => addAdmissionPoint(all, p, limits), []);
const seconds = (points: readonly AdmissionPoint[]) => points.map((p) => (p.atMs - t0) / 1_000);

describe("addAdmissionPoint", () => {
  it("appends newer steps and drops a repeated or late one", () => {
    const points = feed([point(0), point(1), point(1, { ratePerMinute: 1 }), point(0.5), point(2)]);
    expect(seconds(points)).toEqual([0, 1, 2]);
    expect(points[1]?.ratePerMinute).toBe(601); // the repeat did not replace it
  });

  it("keeps the last window and at most pointsMax, the newest", () => {
    expect(
      seconds(
        feed(
          [0, 1, 2, 3, 4, 5].map((s) => point(s)),
          { pointsMax: 3, windowMs: 60_000 },
        ),
      ),
    ).toEqual([3, 4, 5]);
    expect(
      seconds(
        feed(
          [0, 50, 100, 130].map((s) => point(s)),
          { pointsMax: 100, windowMs: 60_000 },
        ),
      ),
    ).toEqual([100, 130]);
  });

  it("ignores a point that isn't one", () => {
    expect(feed([point(0), point(1, { ratePerMinute: Number.NaN }), point(2, { atMs: Number.NaN })])).toHaveLength(1);
  });

  it("returns the same array when nothing changed, so the chart doesn't redraw", () => {
    const points = feed([point(0), point(1)]);
    expect(addAdmissionPoint(points, point(1))).toBe(points);
  });
});

describe("mergeAdmissionHistory", () => {
  it("puts the read history before the ticks that came meanwhile, one point per time", () => {
    const ticks = feed([point(9), point(10)]);
    const history = [point(7), point(8), point(9, { ratePerMinute: 1 })];
    const merged = mergeAdmissionHistory(ticks, history);
    expect(seconds(merged)).toEqual([7, 8, 9, 10]);
    expect(merged[2]?.ratePerMinute).toBe(609); // the tick's copy of the same step
    expect(seconds(mergeAdmissionHistory([], history))).toEqual([7, 8, 9]);
    expect(mergeAdmissionHistory(ticks, [])).toEqual(ticks);
  });

  it("sorts a history given out of order and bounds it like the ticks", () => {
    const history = [point(3), point(1), point(2), point(0)];
    expect(seconds(mergeAdmissionHistory([], history, { pointsMax: 2, windowMs: 60_000 }))).toEqual([2, 3]);
  });
});

describe("admissionPointOf and admissionColumns", () => {
  it("takes the step from a tick's admission and lays the points out for uPlot", () => {
    const p = admissionPointOf({
      mode: "auto",
      ratePerMinute: 1_200,
      reason: "holdP95Ms",
      floorPerMinute: 60,
      ceilingPerMinute: 60_000,
      lastCutAtMs: t0,
      health: {
        holdP95Ms: 820,
        settlementLagMs: 3_000,
        poolWaits: 0,
        holdsInFlight: 1,
        webhooksWaiting: 0,
        overloadRefusals: 0,
        holdsPerSecond: 0,
      },
      stockRoom: 10,
      atMs: t0 + 1_000,
    });
    expect(p).toEqual({
      atMs: t0 + 1_000,
      ratePerMinute: 1_200,
      reason: "holdP95Ms",
      holdP95Ms: 820,
      settlementLagMs: 3_000,
    });
    expect(admissionColumns([point(0), p])).toEqual([
      [t0 / 1_000, t0 / 1_000 + 1],
      [600, 1_200],
      [100, 820],
      [null, 3_000],
    ]);
    expect(admissionColumns([])).toEqual([[], [], [], []]);
  });
});
