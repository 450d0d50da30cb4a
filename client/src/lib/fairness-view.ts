// The fairness audit's figures in words and shapes: rates as percentages, waits as short
// durations, the tickets-by-decile bars and the admission-order line as SVG geometry. Pure, so
// the admin page and the transparency board draw the same thing and the tests read it directly.
import type { FairnessSummary } from "@stampede/shared/api/fairness";

/** "66.7%", or "—" when there was nothing to divide. */
export function percentText(rate: number | null): string {
  if (rate === null) return "—";
  return `${(Math.round(rate * 1_000) / 10).toLocaleString("en", { maximumFractionDigits: 1 })}%`;
}

/** "850 ms", "12.4 s", "3 min 5 s"; "—" for no sample. */
export function waitText(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toLocaleString("en")} s`;
  const seconds = Math.floor(ms / 1_000);
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export interface Bar {
  label: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One bar per decile, scaled to the highest (a chart of zeros has no height). */
export function decileBars(deciles: FairnessSummary["deciles"], width: number, height: number): Bar[] {
  const most = Math.max(1, ...deciles.map((d) => d.tickets));
  const slot = width / Math.max(1, deciles.length);
  return deciles.map((d, i) => {
    const h = (d.tickets / most) * height;
    return {
      label: `${d.decile}`,
      value: d.tickets,
      x: i * slot + slot * 0.1,
      y: height - h,
      width: slot * 0.8,
      height: h,
    };
  });
}

/** Queue number (x) against time after the first admission (y, down the page): in FIFO order the
 * line only climbs; a dip is an inversion. "" when there is nothing to draw. */
export function admissionOrderPath(points: FairnessSummary["admissionOrder"], width: number, height: number): string {
  if (points.length === 0) return "";
  const maxN = Math.max(...points.map((p) => p.queueNumber));
  const minN = Math.min(...points.map((p) => p.queueNumber));
  const maxT = Math.max(1, ...points.map((p) => p.afterFirstMs));
  const x = (n: number) => (maxN === minN ? width / 2 : ((n - minN) / (maxN - minN)) * width);
  const y = (t: number) => height - (t / maxT) * height;
  return points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.queueNumber).toFixed(1)},${y(p.afterFirstMs).toFixed(1)}`)
    .join(" ");
}

/** The headline figures both pages show, in order. */
export function headlineFigures(s: FairnessSummary): Array<{ label: string; value: string; note: string }> {
  return [
    {
      label: "Admitted out of order",
      value: s.inversions.toLocaleString("en"),
      note: "pairs of fans (0 = strictly first come, first served)",
    },
    {
      label: "Time in line (median)",
      value: waitText(s.timeInLine.p50Ms),
      note: `p90 ${waitText(s.timeInLine.p90Ms)} · p99 ${waitText(s.timeInLine.p99Ms)}`,
    },
    {
      label: "Dropped off before admission",
      value: percentText(s.dropOff.rate),
      note: `${s.dropOff.leftBeforeAdmission} left · ${s.dropOff.neverAdmitted} never admitted`,
    },
    {
      label: "Admitted fans who bought",
      value: percentText(s.conversion.rate),
      note: `${s.conversion.bought} of ${s.conversion.admitted}`,
    },
    {
      label: "Admitted after sell-out",
      value: s.admittedAfterSoldOut.toLocaleString("en"),
      note: s.soldOutAt ? "sold out" : "tickets still left",
    },
  ];
}
