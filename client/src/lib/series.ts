// The dashboard's charts as pure data: each stats tick (one a second) becomes one point of four
// series — tickets sold per second and admissions per minute (differences of the running totals
// over time), active holds and queue depth (read as they are). Bounded, so a dashboard left open
// all day holds the last few minutes only. uPlot reads `chartColumns(series)` directly.
//
// Admissions per minute are the fans admitted over the last whole minute, never a shorter span
// scaled up: at a slow rate (2/min is one fan every 30 s) a 10 s span holding one admission read
// "6/min". Until a minute of ticks has been seen the figure is null ("measuring…").
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
  /**
   * Admissions per minute count the admissions over this trailing window (from the last tick at or
   * before its start), and are null until a tick that old exists. A minute: a shorter span scaled
   * up to a minute turns one slow admission into several.
   */
  rateWindowMs: number;
}

export const defaultSeriesLimits: SeriesLimits = { pointsMax: 300, rateWindowMs: 60_000 };

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
  const windowStartMs = sample.atMs - limits.rateWindowMs;
  const samples = fromWindowStart([...series.samples, sample], windowStartMs);
  const point: SeriesPoint = {
    atMs: sample.atMs,
    salesPerSecond,
    activeHolds: sample.activeHolds,
    queueDepth: sample.queueDepth,
    admissionsPerMinute: admissionsPerMinute(samples, windowStartMs),
  };
  const points = [...series.points, point];
  return {
    samples,
    points: points.length > limits.pointsMax ? points.slice(points.length - limits.pointsMax) : points,
  };
}

/** The samples from the last one at or before `startMs` on (the window's base) to the newest. */
function fromWindowStart(samples: readonly StatsSample[], startMs: number): StatsSample[] {
  let base = 0;
  while (base + 1 < samples.length && samples[base + 1]!.atMs <= startMs) base++;
  return samples.slice(base);
}

function admissionsPerMinute(samples: readonly StatsSample[], windowStartMs: number): number | null {
  const base = samples[0];
  const last = samples.at(-1);
  if (!base || !last || base.atMs > windowStartMs || last.atMs <= base.atMs) return null; // less than a minute seen
  return (Math.max(0, last.admittedTotal - base.admittedTotal) * 60_000) / (last.atMs - base.atMs);
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
