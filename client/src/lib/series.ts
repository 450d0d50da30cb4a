// The dashboard's charts as pure data: each stats tick (one a second) becomes one point of four
// series — tickets sold per second and admissions per minute (differences of the running totals
// over time), active holds and queue depth (read as they are). Bounded, so a dashboard left open
// all day holds the last few minutes only. uPlot reads `chartColumns(series)` directly.
import type { AdminStats } from "@stampede/shared/protocol";

/** The running totals and gauges of one tick. */
export interface StatsSample {
  atMs: number;
  /** Tickets sold so far, over all tiers (a refund lowers it). */
  sold: number;
  /** Fans admitted so far. */
  admittedTotal: number;
  /** Orders holding tickets right now. */
  activeHolds: number;
  /** Fans waiting (pre-queue included). */
  queueDepth: number;
}

export interface SeriesPoint {
  atMs: number;
  salesPerSecond: number;
  activeHolds: number;
  queueDepth: number;
  /** Null until the window has enough history to say. */
  admissionsPerMinute: number | null;
}

export interface Series {
  /** Recent samples, kept for the admissions window. */
  samples: readonly StatsSample[];
  points: readonly SeriesPoint[];
}

export interface SeriesLimits {
  /** Points kept: 300 at one tick a second is five minutes. */
  pointsMax: number;
  /** Admissions per minute are measured over this trailing window: one second is too jumpy. */
  rateWindowMs: number;
  /** Less history than this, and the admissions rate is not shown yet. */
  rateSpanMinMs: number;
}

export const defaultSeriesLimits: SeriesLimits = { pointsMax: 300, rateWindowMs: 10_000, rateSpanMinMs: 2_000 };

export const emptySeries: Series = { samples: [], points: [] };

export function sampleOf(stats: AdminStats): StatsSample {
  return {
    atMs: stats.atMs,
    sold: stats.classes.reduce((sum, c) => sum + c.sold, 0),
    admittedTotal: stats.queue.admittedTotal,
    activeHolds: stats.orders.held,
    queueDepth: stats.queue.waiting,
  };
}

/**
 * Adds a tick. A tick not newer than the last is dropped (a late or repeated frame); totals that
 * went down (a refund, a restarted room) count as no sales or admissions, never as negative ones.
 */
export function addSample(series: Series, sample: StatsSample, limits: SeriesLimits = defaultSeriesLimits): Series {
  const last = series.samples.at(-1);
  if (last && sample.atMs <= last.atMs) return series;
  const salesPerSecond = last ? Math.max(0, sample.sold - last.sold) / ((sample.atMs - last.atMs) / 1_000) : 0;
  const samples = [...series.samples, sample].filter((s) => s.atMs >= sample.atMs - limits.rateWindowMs);
  const point: SeriesPoint = {
    atMs: sample.atMs,
    salesPerSecond,
    activeHolds: sample.activeHolds,
    queueDepth: sample.queueDepth,
    admissionsPerMinute: admissionsPerMinute(samples, limits.rateSpanMinMs),
  };
  const points = [...series.points, point];
  return { samples, points: points.length > limits.pointsMax ? points.slice(points.length - limits.pointsMax) : points };
}

function admissionsPerMinute(samples: readonly StatsSample[], spanMinMs: number): number | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.atMs - first.atMs < spanMinMs) return null;
  return (Math.max(0, last.admittedTotal - first.admittedTotal) * 60_000) / (last.atMs - first.atMs);
}

export type SeriesKey = "salesPerSecond" | "activeHolds" | "queueDepth" | "admissionsPerMinute";

/** uPlot's data layout for one series: x in Unix seconds, then y (null = no value yet). */
export function chartColumns(series: Series, key: SeriesKey): [number[], (number | null)[]] {
  return [series.points.map((p) => p.atMs / 1_000), series.points.map((p) => p[key])];
}

/** The latest value of a series, for the figure printed above its chart. */
export function latest(series: Series, key: SeriesKey): number | null {
  return series.points.at(-1)?.[key] ?? null;
}
