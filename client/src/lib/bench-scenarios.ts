// Which figure of each benchmark is charted across runs: one small table of data, read from the
// column names the benchmarks really write (bench/results/*.json). A chart shows the headline
// figure(s), the target where the same row states one ("≥ 8000"), and the run's calibration —
// what the same load generator got from a no-op route — so a figure reads as a fraction of what
// the box could do at all. Pure: no Svelte, no I/O.
import type { BenchCell, BenchRow } from "./bench-views.js";

/** A value in a run: the first row of a table matching `where` (every key equal), one column. */
export interface CellSource {
  table: "figures" | "calibration";
  where?: Readonly<Record<string, string | number>>;
  column: string;
}

export interface SeriesSpec {
  label: string;
  value: CellSource;
  /** A column of the same row holding the target in words ("≥ 8000", "≤ 2 s"); drawn where it parses. */
  targetColumn?: string;
}

export interface ChartSpec {
  title: string;
  /** Unit of the figure axis, printed after values. */
  unit: string;
  series: readonly SeriesSpec[];
  calibration: SeriesSpec;
  /** "shared": the calibration is a rate like the figure and is drawn on its axis; "own": a second axis. */
  calibrationAxis: "shared" | "own";
  /** Which way the figure improves (a rate up, a time down): says whether a change is better or worse. */
  better: "higher" | "lower";
}

/** How a benchmark's per-process CPU becomes CPU per operation, as its own note in the run does:
 * the CPU of one timed phase divided by a figures cell counting the operations of that phase. */
export interface CpuSpec {
  /** The phase, for benchmarks that run one per concurrency; null for a run's only phase. */
  concurrency: number | null;
  ops: CellSource;
  /** The operation, in words: "paid ticket". */
  per: string;
}

const noop = (concurrency?: number): SeriesSpec => ({
  label: concurrency === undefined ? "GET /noop ops/s" : `GET /noop ops/s (c=${concurrency})`,
  value: {
    table: "calibration",
    where: { calibration: "GET /noop (Express)", ...(concurrency === undefined ? {} : { concurrency }) },
    column: "ops/s",
  },
});

const fig = (
  label: string,
  column: string,
  where?: Record<string, string | number>,
  targetColumn?: string,
): SeriesSpec => ({
  label,
  value: { table: "figures", column, ...(where ? { where } : {}) },
  ...(targetColumn ? { targetColumn } : {}),
});

/** The benchmarks in the order the page shows them (performance.md's table, then the ledger). */
export const scenarioOrder = ["purchase", "holds", "last-ticket", "sockets", "joins", "flash-sale", "ledger"] as const;

export const scenarioCharts: Readonly<Record<string, readonly ChartSpec[]>> = {
  purchase: [
    {
      title: "Paid tickets per second",
      unit: "/s",
      series: [
        fig("c=30", "paid tickets/s", { concurrency: 30 }, "target"),
        fig("c=200", "paid tickets/s", { concurrency: 200 }, "target"),
      ],
      calibration: noop(200),
      calibrationAxis: "shared",
      better: "higher",
    },
  ],
  holds: [
    {
      title: "Holds per second",
      unit: "/s",
      series: [fig("holds/s", "holds/s", undefined, "target")],
      calibration: noop(),
      calibrationAxis: "shared",
      better: "higher",
    },
  ],
  "last-ticket": [
    {
      title: "Sold out in",
      unit: "s",
      series: [fig("sold out in", "sold out in s", undefined, "sold-out target")],
      calibration: noop(),
      calibrationAxis: "own",
      better: "lower",
    },
  ],
  sockets: [
    {
      title: "Connected sockets",
      unit: "",
      series: [fig("connected", "connected"), fig("requested", "sockets")],
      calibration: noop(),
      calibrationAxis: "own",
      better: "higher",
    },
    {
      title: "Push latency p99",
      unit: "ms",
      series: [fig("push p99", "push p99 ms", undefined, "push p99 target")],
      calibration: noop(),
      calibrationAxis: "own",
      better: "lower",
    },
  ],
  joins: [
    {
      title: "Joins per second",
      unit: "/s",
      series: [
        fig("socket", "joins/s", { joins: "queue:join (socket)" }, "target"),
        fig("REST", "joins/s", { joins: "POST /queue (REST)" }, "target"),
      ],
      calibration: noop(),
      calibrationAxis: "shared",
      better: "higher",
    },
  ],
  "flash-sale": [
    {
      title: "Time to sell out",
      unit: "s",
      series: [fig("sold out in", "sold out in s")],
      calibration: noop(),
      calibrationAxis: "own",
      better: "lower",
    },
  ],
  ledger: [
    {
      title: "Holds per second into the ledger (first hold of a fan)",
      unit: "/s",
      series: [1, 10, 100, 1000].map((c) => fig(`c=${c}`, "holdsPerSecond", { shape: "first", concurrency: c })),
      // The ledger benchmark calibrates with `SELECT 1` round trips on its own pool, per row.
      calibration: {
        label: "SELECT 1 round trips/s (c=1000)",
        value: {
          table: "figures",
          where: { shape: "first", concurrency: 1000 },
          column: "calibrationRoundTripsPerSecond",
        },
      },
      calibrationAxis: "shared",
      better: "higher",
    },
  ],
};

/** The benchmarks that record per-process CPU (bench/lib/proc-cpu.ts), and what their note divides it by. */
export const scenarioCpu: Readonly<Record<string, CpuSpec>> = {
  purchase: {
    concurrency: 200,
    ops: { table: "figures", where: { concurrency: 200 }, column: "paid" },
    per: "paid ticket",
  },
  holds: { concurrency: null, ops: { table: "figures", column: "holds" }, per: "hold" },
};

/** The charts of a benchmark; none for one this page does not know yet (its table still shows). */
export function chartsFor(name: string): readonly ChartSpec[] {
  return Object.hasOwn(scenarioCharts, name) ? (scenarioCharts[name] ?? []) : [];
}

/** How a benchmark's CPU is counted per operation; null for one that records no CPU. */
export function cpuFor(name: string): CpuSpec | null {
  return Object.hasOwn(scenarioCpu, name) ? (scenarioCpu[name] ?? null) : null;
}

/** A figure as a number: numbers and numeric strings; words ("not within the run"), blanks and flags are no value. */
export function numericCell(value: BenchCell | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return null;
  return Number(value);
}

/** "≥ 8000" → 8000, "≤ 2 s" → 2, "≥ 1,500" → 1500, "exactly 1000" → 1000; no number → null. */
export function parseTarget(value: BenchCell | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const match = /^\s*(?:≥|≤|>=|<=|>|<|=|exactly)?\s*(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)/.exec(value);
  return match?.[1] === undefined ? null : Number(match[1].replaceAll(",", ""));
}

/** The first row whose columns equal every entry of `where` (the first row when there is no `where`). */
export function findRow(rows: readonly BenchRow[], where: CellSource["where"]): BenchRow | null {
  const entries = Object.entries(where ?? {});
  return rows.find((row) => entries.every(([k, v]) => row[k] === v)) ?? null;
}

/** A series' value and target in one run. */
export function readSeries(
  spec: SeriesSpec,
  run: { figures: readonly BenchRow[]; calibration: readonly BenchRow[] },
): { value: number | null; target: number | null } {
  const row = findRow(spec.value.table === "figures" ? run.figures : run.calibration, spec.value.where);
  if (row === null) return { value: null, target: null };
  return {
    value: numericCell(row[spec.value.column]),
    target: spec.targetColumn === undefined ? null : parseTarget(row[spec.targetColumn]),
  };
}
