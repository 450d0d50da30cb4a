// A chart's data for uPlot from one benchmark's runs: x is each run's start (Unix seconds, oldest
// first), then one column per line — each figure series, its target where any run states one, and
// the calibration. A run without the figure leaves a gap (null), never a made-up zero.
import { readSeries, type ChartSpec } from "./bench-scenarios.js";
import type { BenchRun } from "./bench-views.js";

export interface ChartLine {
  label: string;
  kind: "figure" | "target" | "calibration";
  /** Which figure series a line belongs to (its target shares the colour); -1 for the calibration. */
  seriesIndex: number;
  axis: "figure" | "calibration";
}

export interface ChartData {
  x: number[];
  lines: ChartLine[];
  /** One column per line, aligned with `x`. */
  columns: (number | null)[][];
  /** False when no run has any of the figures: the chart says so instead of drawing an empty box. */
  hasFigures: boolean;
}

function oldestFirst(runs: readonly BenchRun[]): BenchRun[] {
  return [...runs].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

export function chartData(spec: ChartSpec, runs: readonly BenchRun[]): ChartData {
  const ordered = oldestFirst(runs);
  const lines: ChartLine[] = [];
  const columns: (number | null)[][] = [];
  spec.series.forEach((series, seriesIndex) => {
    const read = ordered.map((run) => readSeries(series, run));
    lines.push({ label: series.label, kind: "figure", seriesIndex, axis: "figure" });
    columns.push(read.map((r) => r.value));
    if (read.some((r) => r.target !== null)) {
      lines.push({ label: `${series.label} target`, kind: "target", seriesIndex, axis: "figure" });
      columns.push(read.map((r) => r.target));
    }
  });
  const hasFigures = columns.some((column, i) => lines[i]?.kind === "figure" && column.some((v) => v !== null));
  lines.push({
    label: spec.calibration.label,
    kind: "calibration",
    seriesIndex: -1,
    axis: spec.calibrationAxis === "shared" ? "figure" : "calibration",
  });
  columns.push(ordered.map((run) => readSeries(spec.calibration, run).value));
  return { x: ordered.map((run) => Date.parse(run.startedAt) / 1_000), lines, columns, hasFigures };
}

/** The caption's words for one run: "c=30 29.7/s · c=200 23.4/s (target 1500/s)". */
export function figuresInWords(spec: ChartSpec, run: BenchRun): string {
  const parts = spec.series.map((series) => {
    const { value, target } = readSeries(series, run);
    const shown = value === null ? "—" : formatFigure(value, spec.unit);
    const label = spec.series.length > 1 ? `${series.label} ` : "";
    return `${label}${shown}${target === null ? "" : ` (target ${formatNumber(target)})`}`;
  });
  return parts.join(" · ");
}

/** A figure with its unit: "23.4/s", "480 ms", "12" (no unit). */
export function formatFigure(n: number, unit: string, locale?: string): string {
  return `${formatNumber(n, locale)}${unit === "" ? "" : unit.startsWith("/") ? unit : ` ${unit}`}`;
}

/** Up to 3 significant decimals, thousands grouped: 1234.5678 → "1,234.568", 0.98691 → "0.987". */
export function formatNumber(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: Math.abs(n) >= 100 ? 1 : 3 }).format(n);
}
