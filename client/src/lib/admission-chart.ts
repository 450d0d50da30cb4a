// The dashboard's chart of the admission controller as pure data: the rate it admits at against
// the checkout's latency (hold p95 and settlement lag), one point per controller step. Seeded from
// GET /api/admin/events/:id/admission (ten minutes of steps, oldest first) when the page opens and
// extended by each stats:tick's `admission`. A tick repeats the last step until the controller
// takes another, and a reconnect's re-read overlaps what the ticks brought: a point is known by its
// time, so repeats and late ones are dropped. Bounded in time and length, so a dashboard left open
// all day holds the last minutes only. uPlot reads `admissionColumns(points)` directly.
import type { AdminAdmissionView } from "@stampede/shared/api/admin";
import type { AdminAdmission } from "@stampede/shared/protocol";

/** One controller step, as GET …/admission's history lists it. */
export type AdmissionPoint = AdminAdmissionView["history"][number];

export interface AdmissionChartLimits {
  /** Steps kept: the server keeps ten minutes at one a second. */
  pointsMax: number;
  /** Steps older than this before the newest drop off. */
  windowMs: number;
}

export const defaultAdmissionChartLimits: AdmissionChartLimits = { pointsMax: 600, windowMs: 600_000 };

export function admissionPointOf(admission: AdminAdmission): AdmissionPoint {
  return {
    atMs: admission.atMs,
    ratePerMinute: admission.ratePerMinute,
    reason: admission.reason,
    holdP95Ms: admission.health.holdP95Ms,
    settlementLagMs: admission.health.settlementLagMs,
  };
}

/** Adds a tick's step; one not newer than the last (a repeat, or a late frame) changes nothing. */
export function addAdmissionPoint(
  points: readonly AdmissionPoint[],
  point: AdmissionPoint,
  limits: AdmissionChartLimits = defaultAdmissionChartLimits,
): readonly AdmissionPoint[] {
  const last = points.at(-1);
  if (!validPoint(point) || (last && point.atMs <= last.atMs)) return points;
  return bounded([...points, point], limits);
}

/** Merges a read history with the points the ticks already brought: oldest first, one per time. */
export function mergeAdmissionHistory(
  points: readonly AdmissionPoint[],
  history: readonly AdmissionPoint[],
  limits: AdmissionChartLimits = defaultAdmissionChartLimits,
): readonly AdmissionPoint[] {
  const byTime = new Map<number, AdmissionPoint>();
  for (const p of history) if (validPoint(p)) byTime.set(p.atMs, p);
  for (const p of points) byTime.set(p.atMs, p); // a tick's step is the same step, read later
  return bounded(
    [...byTime.values()].sort((a, b) => a.atMs - b.atMs),
    limits,
  );
}

function validPoint(p: AdmissionPoint): boolean {
  return Number.isFinite(p.atMs) && Number.isFinite(p.ratePerMinute) && p.ratePerMinute >= 0;
}

function bounded(points: AdmissionPoint[], limits: AdmissionChartLimits): AdmissionPoint[] {
  const newest = points.at(-1);
  if (!newest) return points;
  const inWindow = points.filter((p) => p.atMs >= newest.atMs - limits.windowMs);
  return inWindow.length > limits.pointsMax ? inWindow.slice(inWindow.length - limits.pointsMax) : inWindow;
}

/** uPlot's data: x in Unix seconds, the rate (left scale), hold p95 and settlement lag (right scale, ms; null = none). */
export function admissionColumns(
  points: readonly AdmissionPoint[],
): [number[], number[], (number | null)[], (number | null)[]] {
  return [
    points.map((p) => p.atMs / 1_000),
    points.map((p) => p.ratePerMinute),
    points.map((p) => p.holdP95Ms),
    points.map((p) => p.settlementLagMs),
  ];
}
